/**
 * 企业服务日 / 企业家恳谈日 / 座谈会 (POLICY §9): a department announces an event to chosen enterprises
 * (or all); each active contact of them gets a notice with 报名 / 不参加 buttons (`sd:yes:<id>` /
 * `sd:no:<id>`); a tap records one sign-up per contact, changeable until the event starts.
 *
 * Notices go through the notify queue, whose worker paces sends per chat and overall.
 */
import { isDuplicateKey } from '../db/duplicate-key.ts';
import type mongoose from 'mongoose';
import { z } from 'zod';
import type { ContactDoc, EnterpriseDoc } from '../db/models/index.ts';
import { SERVICE_DAY_KINDS, type ServiceDayDoc, type ServiceDayKind, type ServiceDaySignupDoc } from '../db/models/service-days.ts';
import { DomainError } from '../domain/errors.ts';
import { both, type MessageKey } from '../i18n/index.ts';
import { noticeJob } from '../queue/notice.ts';
import { queueNotices } from './notices/notice-queue.ts';
import { formatShanghai } from '../shared/format.ts';
import { button } from './tickets/ticket-notices.ts';
import type { Identity } from './identity.ts';
import type { TicketServiceContext } from './tickets/create-ticket.ts';

export type ServiceDayContext = Pick<TicketServiceContext, 'db' | 'queues' | 'logger' | 'clock'>;

export const serviceDayIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'a 24-hex id');

export interface AnnounceInput {
  title: string;
  kind: ServiceDayKind;
  startsAt: Date;
  place: string;
  /** Credit codes; empty or absent: every enterprise. */
  enterprises?: string[];
  createdBy: string;
}

export interface ServiceDayView {
  id: string;
  title: string;
  kind: ServiceDayKind;
  startsAt: string;
  place: string;
  enterprises: string[];
  createdBy: string;
}

export interface Announcement extends ServiceDayView {
  /** The contacts a notice was queued for. */
  notified: number;
}

export interface SignupView {
  contact: string;
  name: string;
  enterprise: string;
  enterpriseName: string;
  attending: boolean;
  respondedAt: string;
}

/** The answer recorded, and what the reply to it names. */
export interface ServiceDayAnswer {
  attending: boolean;
  event: { title: string; when: string; place: string };
}

type ServiceDayRecord = ServiceDayDoc & { _id: mongoose.Types.ObjectId };

function viewOf(event: ServiceDayRecord): ServiceDayView {
  return {
    id: String(event._id),
    title: event.title,
    kind: event.kind,
    startsAt: event.startsAt.toISOString(),
    place: event.place,
    enterprises: [...event.enterprises],
    createdBy: event.createdBy,
  };
}

/**
 * Stores the event and queues one notice per active contact of the invited enterprises. Throws
 * `DomainError`: `service-day.past` (starts already), `enterprise.not-found` (an unknown credit code).
 */
export async function announceServiceDay(app: ServiceDayContext, input: AnnounceInput): Promise<Announcement> {
  if (!SERVICE_DAY_KINDS.includes(input.kind)) throw new DomainError('service-day.kind', `unknown kind ${String(input.kind)}`);
  const now = app.clock.now();
  if (input.startsAt.getTime() <= now.getTime()) throw new DomainError('service-day.past', 'the event must start in the future');
  const enterprises = [...new Set(input.enterprises ?? [])];
  if (enterprises.length > 0) {
    const known = await app.db.models.Enterprise.find({ creditCode: { $in: enterprises } }, { creditCode: 1 }).lean<Pick<EnterpriseDoc, 'creditCode'>[]>();
    const found = new Set(known.map((e) => e.creditCode));
    const missing = enterprises.find((code) => !found.has(code));
    if (missing !== undefined) throw new DomainError('enterprise.not-found', `enterprise ${missing} does not exist`, { code: missing });
  }
  const created = await app.db.models.ServiceDay.create({
    title: input.title,
    kind: input.kind,
    startsAt: input.startsAt,
    place: input.place,
    enterprises,
    createdBy: input.createdBy,
    createdAt: now,
  });
  const event = created.toObject() as ServiceDayRecord;
  const id = String(event._id);

  const filter = { status: { $eq: 'active' as const }, ...(enterprises.length > 0 ? { enterprise: { $in: enterprises } } : {}) };
  const contacts = await app.db.models.Contact.find(filter, { _id: 1 }).sort({ _id: 1 }).lean<{ _id: mongoose.Types.ObjectId }[]>();
  const buttons = [[button(`sd:yes:${id}`, 'service-day.button.yes'), button(`sd:no:${id}`, 'service-day.button.no')]];
  const key: MessageKey = 'service-day.notice.announce';
  const params = { kind: both(`service-day.kind.${event.kind}`), title: event.title, when: formatShanghai(event.startsAt), place: event.place };
  const jobs = contacts.map((contact) => {
    const recipient = String(contact._id);
    return noticeJob({ kind: 'contact', ref: recipient }, key, params, ['n', 'sd', id, 'contact', recipient].join('.'), { buttons });
  });
  await queueNotices(app, jobs);
  app.logger.info({ event: id, kind: event.kind, enterprises: enterprises.length, notified: contacts.length }, 'service day announced');
  return { ...viewOf(event), notified: contacts.length };
}

async function findEvent(app: Pick<ServiceDayContext, 'db'>, eventId: string): Promise<ServiceDayRecord> {
  if (!serviceDayIdSchema.safeParse(eventId).success) throw new DomainError('service-day.not-found', 'not an event id');
  const event = await app.db.models.ServiceDay.findOne({ _id: { $eq: eventId } }).lean<ServiceDayRecord>();
  if (!event) throw new DomainError('service-day.not-found', `event ${eventId} does not exist`);
  return event;
}

/**
 * Records a contact's answer (idempotent; the last answer before the start stands). Throws `DomainError`:
 * `service-day.not-found`, `service-day.forbidden` (not an active contact of an invited enterprise),
 * `service-day.closed` (the event has started).
 */
export async function respondServiceDay(app: ServiceDayContext, who: Identity, eventId: string, attending: boolean): Promise<ServiceDayAnswer> {
  const event = await findEvent(app, eventId);
  const answer = { title: event.title, when: formatShanghai(event.startsAt), place: event.place };
  if (who.kind !== 'contact' || who.status !== 'active') throw new DomainError('service-day.forbidden', `a ${who.kind} cannot sign up`);
  // Re-read the contact: the identity was resolved when the message came in.
  const contact = await app.db.models.Contact.findOne({ _id: { $eq: who.contactId }, status: { $eq: 'active' } }).lean<ContactDoc>();
  if (!contact) throw new DomainError('service-day.forbidden', `contact ${who.contactId} is not active`);
  if (event.enterprises.length > 0 && !event.enterprises.includes(contact.enterprise)) {
    throw new DomainError('service-day.forbidden', `enterprise ${contact.enterprise} is not invited to ${eventId}`);
  }
  const now = app.clock.now();
  if (now.getTime() >= event.startsAt.getTime()) throw new DomainError('service-day.closed', `event ${eventId} has started`, { title: event.title });

  const filter = { event: { $eq: eventId }, contact: { $eq: who.contactId } };
  const update = { $set: { attending, enterprise: contact.enterprise, respondedAt: now }, $setOnInsert: { event: eventId, contact: who.contactId } };
  try {
    await app.db.models.ServiceDaySignup.updateOne(filter, update, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // A concurrent tap inserted it first: this one now updates it.
    await app.db.models.ServiceDaySignup.updateOne(filter, update);
  }
  app.logger.info({ event: eventId, contact: who.contactId, attending }, 'service day answered');
  return { attending, event: answer };
}

/** The event and every answer, attending first. Throws `DomainError` `service-day.not-found`. */
export async function listServiceDaySignups(
  app: Pick<ServiceDayContext, 'db'>,
  eventId: string,
): Promise<{ event: ServiceDayView; attending: number; declined: number; signups: SignupView[] }> {
  const event = await findEvent(app, eventId);
  const signups = await app.db.models.ServiceDaySignup.find({ event: { $eq: eventId } }).sort({ respondedAt: 1 }).lean<ServiceDaySignupDoc[]>();
  const contactIds = signups.map((s) => s.contact);
  const contacts = await app.db.models.Contact.find({ _id: { $in: contactIds } }, { name: 1 }).lean<(Pick<ContactDoc, 'name'> & { _id: mongoose.Types.ObjectId })[]>();
  const names = new Map(contacts.map((c) => [String(c._id), c.name]));
  const codes = [...new Set(signups.map((s) => s.enterprise))];
  const enterprises = await app.db.models.Enterprise.find({ creditCode: { $in: codes } }, { creditCode: 1, name: 1 }).lean<Pick<EnterpriseDoc, 'creditCode' | 'name'>[]>();
  const enterpriseNames = new Map(enterprises.map((e) => [e.creditCode, e.name]));
  const views: SignupView[] = signups
    .map((s) => ({
      contact: s.contact,
      name: names.get(s.contact) ?? '',
      enterprise: s.enterprise,
      enterpriseName: enterpriseNames.get(s.enterprise) ?? s.enterprise,
      attending: s.attending,
      respondedAt: s.respondedAt.toISOString(),
    }))
    .sort((a, b) => Number(b.attending) - Number(a.attending));
  const attending = views.filter((v) => v.attending).length;
  return { event: viewOf(event), attending, declined: views.length - attending, signups: views };
}
