import { Schema, type Connection } from 'mongoose';
import type { TicketStatus } from '../../domain/ticket-state.ts';
import type { RatingLevel } from '../../domain/rating.ts';
import type { CategoryKind } from '../../domain/profile.ts';
import type { Ownership, EnterpriseSize } from './directory.ts';

export interface AttachmentRef {
  kind: string;
  fileRef: string;
  platform: string;
  fileName?: string;
}

export interface TicketDeadlines {
  respondBy: Date;
  resolveBy: Date;
  /** After a bad rating: the 整改 deadline. */
  rectifyBy?: Date;
  /** After a result: the enterprise's rating window. */
  rateBy?: Date;
  /** Some day counted lies in a year whose official holiday schedule is not known yet. */
  provisional: boolean;
}

export interface RatingRecord {
  level: RatingLevel;
  comment?: string;
  at: Date;
  /** The first rating, or the 回访 after rectification. */
  round: 'first' | 'follow-up';
}

export interface TicketDoc {
  number: string;
  profile: string;
  category: string;
  kind: CategoryKind;
  /** The enterprise, in clear unless the report is anonymous (then only inside `sealedReporter`). */
  enterprise?: string;
  contact?: string;
  /** Where answers go: the chat the submission came from, unless sealed. */
  replyTo?: { platform: string; chatId: string };
  /** AES-256-GCM sealed reporter identity for misconduct reports; readable by discipline inspection only. */
  sealedReporter?: string;
  anonymous: boolean;
  /** Snapshot for equal-treatment reports (P+2): by ownership and size, as they were at submission. */
  ownership?: Ownership;
  size?: EnterpriseSize;
  text: string;
  attachments: AttachmentRef[];
  unit: string;
  coUnits: string[];
  discipline: boolean;
  accusedUnit?: string;
  assignee?: string;
  status: TicketStatus;
  deadlines: TicketDeadlines;
  assignedAt?: Date;
  respondedAt?: Date;
  resolvedAt?: Date;
  closedAt?: Date;
  escalationLevel: number;
  overdue: boolean;
  transfers: number;
  extension?: { days: number; reason: string; requestedBy: string; requestedAt: Date; status: 'pending' | 'approved' | 'refused' };
  result?: string;
  outcome?: 'resolved' | 'substantiated' | 'unfounded' | 'unrated' | 'rated';
  ratings: RatingRecord[];
  /** Deadline jobs already carried out: a retried job never reminds or escalates twice. */
  slaFired: string[];
  /** Optimistic concurrency: every change increments it, and every update is conditional on it. */
  rev: number;
  /** The last history event's hash: the chain's head, kept on the ticket so appends are one conditional update. */
  historyHead: string;
  historySeq: number;
  submittedAt: Date;
  updatedAt: Date;
}

const ticketSchema = new Schema<TicketDoc & { _id: string }>(
  {
    // A string id, so the driver-level outbox code and mongoose agree on one type.
    _id: { type: String, required: true },
    number: { type: String, required: true, unique: true },
    profile: { type: String, required: true },
    category: { type: String, required: true },
    kind: { type: String, required: true },
    enterprise: { type: String, index: true },
    contact: String,
    replyTo: { platform: String, chatId: String },
    sealedReporter: String,
    anonymous: { type: Boolean, required: true },
    ownership: String,
    size: String,
    text: { type: String, required: true },
    attachments: [{ _id: false, kind: String, fileRef: String, platform: String, fileName: String }],
    unit: { type: String, required: true },
    coUnits: [String],
    discipline: { type: Boolean, required: true },
    accusedUnit: String,
    assignee: String,
    status: { type: String, required: true },
    deadlines: {
      respondBy: { type: Date, required: true },
      resolveBy: { type: Date, required: true },
      rectifyBy: Date,
      rateBy: Date,
      provisional: { type: Boolean, required: true },
    },
    assignedAt: Date,
    respondedAt: Date,
    resolvedAt: Date,
    closedAt: Date,
    escalationLevel: { type: Number, required: true },
    overdue: { type: Boolean, required: true },
    transfers: { type: Number, required: true },
    extension: { days: Number, reason: String, requestedBy: String, requestedAt: Date, status: String },
    result: String,
    outcome: String,
    ratings: [{ _id: false, level: String, comment: String, at: Date, round: String }],
    slaFired: { type: [String], default: [] },
    rev: { type: Number, required: true },
    historyHead: { type: String, required: true },
    historySeq: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
ticketSchema.index({ status: 1, unit: 1 });
ticketSchema.index({ assignee: 1, status: 1 });
ticketSchema.index({ submittedAt: 1 });

/** One entry of a ticket's append-only, hash-chained history (P+4 执法全过程记录). */
export interface HistoryEventDoc {
  ticket: string;
  seq: number;
  at: Date;
  actor: string;
  role: string;
  action: string;
  from?: string;
  to?: string;
  reason?: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const historySchema = new Schema<HistoryEventDoc>(
  {
    ticket: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    role: { type: String, required: true },
    action: { type: String, required: true },
    from: String,
    to: String,
    reason: String,
    data: { type: Schema.Types.Mixed, default: {} },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { versionKey: false, minimize: false },
);
// One event per position: two writers racing for the same seq cannot fork the chain.
historySchema.index({ ticket: 1, seq: 1 }, { unique: true });

/** Atomic counters (public ticket numbers per prefix and year). */
export interface CounterDoc {
  _id: string;
  value: number;
}
const counterSchema = new Schema<CounterDoc>({ _id: { type: String, required: true }, value: { type: Number, required: true } }, { versionKey: false });

/** A notice's delivery record: one per dedupe key, so a notice is sent once and its fate is known. */
export interface NoticeDoc {
  dedupeKey: string;
  ticket?: string;
  recipient: { kind: string; ref: string };
  platform?: string;
  chatId?: string;
  message: { key: string; params: Record<string, unknown> };
  /** JSON text: FerretDB v1 refuses nested arrays (button rows). */
  buttons?: string;
  /**
   * queued: written with its job, before any attempt (what is left of a job Redis lost);
   * held: the channel could not deliver now (e.g. outside an Official Account's 48 h window).
   */
  status: 'queued' | 'pending' | 'sent' | 'held' | 'failed' | 'no-channel';
  attempts: number;
  detail?: string;
  text?: string;
  createdAt: Date;
  sentAt?: Date;
}
const noticeSchema = new Schema<NoticeDoc & { _id: string }>(
  {
    // Keyed by its dedupe key: FerretDB v1 answers only `_id` lookups without reading the whole collection.
    _id: { type: String, required: true },
    dedupeKey: { type: String, required: true, unique: true },
    ticket: { type: String, index: true },
    recipient: { kind: String, ref: String },
    platform: String,
    chatId: String,
    message: { key: String, params: Schema.Types.Mixed },
    buttons: String,
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    detail: String,
    text: String,
    createdAt: { type: Date, required: true },
    sentAt: Date,
  },
  { versionKey: false },
);
noticeSchema.index({ 'recipient.kind': 1, 'recipient.ref': 1, status: 1 });

export function registerTicketModels(connection: Connection) {
  return {
    Ticket: connection.model('Ticket', ticketSchema, 'tickets'),
    HistoryEvent: connection.model('HistoryEvent', historySchema, 'ticket_history'),
    Counter: connection.model('Counter', counterSchema, 'counters'),
    Notice: connection.model('Notice', noticeSchema, 'notices'),
  };
}
export type TicketModels = ReturnType<typeof registerTicketModels>;
