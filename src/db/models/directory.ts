import { Schema, type Connection } from 'mongoose';

/** A responsible unit: a division of the department, its discipline-inspection office, its leadership. */
export interface UnitDoc {
  code: string;
  name: { zh: string; en: string };
  kind: 'department' | 'discipline' | 'leadership';
}

export const OFFICIAL_ROLES = ['officer', 'supervisor', 'leadership', 'inspector', 'admin'] as const;
export type OfficialRole = (typeof OFFICIAL_ROLES)[number];
export const OFFICIAL_LEVELS = ['province', 'city', 'county', 'township'] as const;
export type OfficialLevel = (typeof OFFICIAL_LEVELS)[number];

/** An official who may act on tickets and visit enterprises. */
export interface OfficialDoc {
  code: string;
  name: string;
  unit: string;
  roles: OfficialRole[];
  level: OfficialLevel;
  active: boolean;
  telegramId?: string;
  wechatId?: string;
  /** When the official last received a ticket: the tie-breaker for least-loaded routing. */
  lastAssignedAt?: Date;
}

export const OWNERSHIPS = ['state', 'private', 'foreign', 'individual'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];
export const SIZES = ['large', 'medium', 'small', 'micro'] as const;
export type EnterpriseSize = (typeof SIZES)[number];

/** An enterprise, keyed by its unified social credit code (统一社会信用代码). */
export interface EnterpriseDoc {
  creditCode: string;
  name: string;
  ownership: Ownership;
  size: EnterpriseSize;
  region: string;
  /** Its chief service officer (首席服务员), an official code. */
  chiefOfficer?: string;
}

/** A person who speaks for an enterprise in chat. */
export interface ContactDoc {
  enterprise: string;
  name: string;
  phone: string;
  /** A second contact joins only once an existing contact approves. */
  status: 'active' | 'pending';
  approvedBy?: string;
}

/**
 * Who a platform user is: the bridge from a chat identity to a contact or an official. Keyed by
 * `platform:userId` ({@link chatAccountKey}): every message looks its sender up, and FerretDB finds a
 * document by `_id` without reading the others.
 */
export interface ChatAccountDoc {
  platform: 'telegram' | 'wechat' | 'playground';
  userId: string;
  chatId: string;
  kind: 'contact' | 'official';
  /** A contact's id or an official's code. */
  ref: string;
  lang: 'zh-CN' | 'en';
}

/** 联系企业制度: an official linked to an enterprise they must visit. */
export interface LinkDoc {
  official: string;
  enterprise: string;
}

/** The `_id` of a chat account. */
export function chatAccountKey(platform: string, userId: string): string {
  return `${platform}:${userId}`;
}

const localized = { zh: { type: String, required: true }, en: { type: String, required: true } };

const unitSchema = new Schema<UnitDoc>(
  { code: { type: String, required: true, unique: true }, name: localized, kind: { type: String, required: true } },
  { versionKey: false },
);

const officialSchema = new Schema<OfficialDoc>(
  {
    code: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    unit: { type: String, required: true, index: true },
    roles: { type: [String], required: true },
    level: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
    telegramId: String,
    wechatId: String,
    lastAssignedAt: Date,
  },
  { versionKey: false },
);

const enterpriseSchema = new Schema<EnterpriseDoc & { _id: string }>(
  {
    // Keyed by the credit code itself, for the same reason as chat accounts.
    _id: { type: String, default(this: EnterpriseDoc) { return this.creditCode; } },
    creditCode: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    ownership: { type: String, required: true },
    size: { type: String, required: true },
    region: { type: String, required: true },
    chiefOfficer: String,
  },
  { versionKey: false, timestamps: true },
);

const contactSchema = new Schema<ContactDoc>(
  {
    enterprise: { type: String, required: true, index: true },
    name: { type: String, required: true },
    phone: { type: String, required: true },
    status: { type: String, required: true },
    approvedBy: String,
  },
  { versionKey: false, timestamps: true },
);

const chatAccountSchema = new Schema<ChatAccountDoc & { _id: string }>(
  {
    _id: { type: String, default(this: ChatAccountDoc) { return chatAccountKey(this.platform, this.userId); } },
    platform: { type: String, required: true },
    userId: { type: String, required: true },
    chatId: { type: String, required: true },
    kind: { type: String, required: true },
    ref: { type: String, required: true },
    lang: { type: String, required: true, default: 'zh-CN' },
  },
  { versionKey: false },
);
chatAccountSchema.index({ platform: 1, userId: 1 }, { unique: true });
chatAccountSchema.index({ kind: 1, ref: 1 });

const linkSchema = new Schema<LinkDoc>(
  { official: { type: String, required: true }, enterprise: { type: String, required: true } },
  { versionKey: false },
);
linkSchema.index({ official: 1, enterprise: 1 }, { unique: true });
linkSchema.index({ enterprise: 1 });

export function registerDirectoryModels(connection: Connection) {
  return {
    Unit: connection.model('Unit', unitSchema, 'units'),
    Official: connection.model('Official', officialSchema, 'officials'),
    Enterprise: connection.model('Enterprise', enterpriseSchema, 'enterprises'),
    Contact: connection.model('Contact', contactSchema, 'contacts'),
    ChatAccount: connection.model('ChatAccount', chatAccountSchema, 'chat_accounts'),
    Link: connection.model('Link', linkSchema, 'links'),
  };
}

export type DirectoryModels = ReturnType<typeof registerDirectoryModels>;
