/**
 * 走访记录: an official records a visit to an enterprise (R(8) 联系企业, R(2) 访百企·解难题). The record
 * carries what was learnt, the problems raised (each a ticket in the ledger), and the integrity facts
 * the rules name: the meal (R(8)) and gifts or hospitality (R(17)). A declaration goes to discipline
 * inspection. Visits are append-only.
 */
import { isDuplicateKey } from '../../db/duplicate-key.ts';
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import { addLocalDays, type LocalDate } from '../../domain/holiday-calendar.ts';
import { toShanghaiDate } from '../../domain/working-days.ts';
import type { EnterpriseDoc, OfficialDoc } from '../../db/models/index.ts';
import { MEAL_KINDS, VISIT_FORMS, type VisitDoc } from '../../db/models/liaison.ts';
import { noticeJob } from '../../queue/notice.ts';
import { queueNotices } from '../notices/notice-queue.ts';
import { checkText, type TicketServiceContext } from '../tickets/create-ticket.ts';
import { MAX_TEXT } from '../tickets/submission.schema.ts';
import { inspectors } from '../tickets/ticket-directory.ts';
import { createTicketFromVisit, MIN_PROBLEM } from './visit-tickets.ts';

/** Bounds of one record, the same in the flow and the service. */
export const MAX_LEARNT = 2000;
export const MAX_PROBLEMS = 20;
export const MAX_GIFT_DETAIL = 500;
/**
 * A visit is recorded within this many days. A later record could still rescue a period already judged
 * (the `missed` reminder goes out the day after), and evidence written weeks later is worth less.
 */
export const MAX_BACKDATE_DAYS = 30;

const visitInputSchema = z.object({
  /** Chosen by the caller (a flow's draft) to make a repeated confirmation record one visit. */
  id: z.string().regex(/^[0-9a-f]{24}$/).optional(),
  enterprise: z.string().trim().min(1).max(64),
  date: z.iso.date().optional(),
  form: z.enum(VISIT_FORMS),
  learnt: z.string(),
  problems: z.array(z.string()).default([]),
  meal: z.enum(MEAL_KINDS),
  giftsAccepted: z.boolean(),
  giftDetail: z.string().optional(),
});

/** What an official records about one visit; `date` defaults to today (Asia/Shanghai). */
export type VisitInput = z.input<typeof visitInputSchema>;

/** A stored visit with its id. */
export type VisitRecord = VisitDoc & { _id: string };

/** What `logVisit` did: the record, the tickets its problems became, the inspectors told of a declaration. */
export interface LoggedVisit {
  visit: VisitRecord;
  tickets: { number: string; text: string }[];
  inspectorsTold: string[];
}

/** An enterprise an official may record a visit to. */
export interface VisitableEnterprise {
  creditCode: string;
  name: string;
}

/**
 * Why a visit date cannot be recorded on `today`, or undefined when it can: not in the future, and not
 * more than {@link MAX_BACKDATE_DAYS} days back.
 */
export function visitDateProblem(today: LocalDate, date: LocalDate): DomainError | undefined {
  if (date > today) return new DomainError('visit.future-date', `visit date ${date} is after today ${today}`, { date });
  if (date < addLocalDays(today, -MAX_BACKDATE_DAYS)) return new DomainError('visit.too-old', `visit date ${date} is more than ${MAX_BACKDATE_DAYS} days ago`, { date, days: MAX_BACKDATE_DAYS });
  return undefined;
}

async function activeOfficial(ctx: TicketServiceContext, code: string): Promise<OfficialDoc> {
  const official = await ctx.db.models.Official.findOne({ code: { $eq: code }, active: true }).lean<OfficialDoc>();
  if (!official) throw new DomainError('visit.forbidden', `no active official "${code}"`);
  return official;
}

/** The official's linked enterprises with their names, in the order of their names. */
export async function linkedEnterprises(ctx: TicketServiceContext, officialCode: string): Promise<VisitableEnterprise[]> {
  const links = await ctx.db.models.Link.find({ official: { $eq: officialCode } }).lean();
  const codes = links.map((l) => l.enterprise);
  const enterprises = await ctx.db.models.Enterprise.find({ creditCode: { $in: codes } }, { creditCode: 1, name: 1 }).lean<EnterpriseDoc[]>();
  return enterprises.map((e) => ({ creditCode: e.creditCode, name: e.name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** An enterprise by its credit code (a leadership member may visit any). */
export async function findEnterprise(ctx: TicketServiceContext, creditCode: string): Promise<VisitableEnterprise | undefined> {
  const enterprise = await ctx.db.models.Enterprise.findOne({ creditCode: { $eq: creditCode } }).lean<EnterpriseDoc>();
  return enterprise ? { creditCode: enterprise.creditCode, name: enterprise.name } : undefined;
}

/**
 * Records a visit. Only to the official's own linked enterprises, except for leadership members, who
 * may visit any. Each problem becomes a `visit-issue` ticket; a declared gift or hospitality is recorded
 * and a notice goes to every discipline inspector.
 *
 * Effects first, the record last: the tickets (with ids derived from the visit's id) and the notices
 * to inspection are each idempotent, and the visit is written once they exist. A crash part-way leaves
 * the flow at its confirmation (a step that throws keeps its session), and confirming again with the
 * same draft id finishes the work without doubling it; a declaration is never recorded untold.
 * @throws {DomainError} visit.forbidden, visit.unknown-enterprise, visit.not-linked, visit.future-date,
 *   visit.too-old, visit.too-many-problems, visit.gift-detail, text.*.
 */
export async function logVisit(ctx: TicketServiceContext, official: { code: string }, input: VisitInput): Promise<LoggedVisit> {
  const parsed = visitInputSchema.parse(input);
  const person = await activeOfficial(ctx, official.code);
  const prior = parsed.id ? await recordedBefore(ctx, parsed.id, person) : undefined;
  if (prior) return prior;
  const enterprise = await findEnterprise(ctx, parsed.enterprise);
  if (!enterprise) throw new DomainError('visit.unknown-enterprise', `unknown enterprise ${parsed.enterprise}`, { enterprise: parsed.enterprise });
  const leadership = person.roles.includes('leadership');
  const linked = (await ctx.db.models.Link.exists({ official: { $eq: person.code }, enterprise: { $eq: enterprise.creditCode } })) !== null;
  if (!linked && !leadership) throw new DomainError('visit.not-linked', `${person.code} is not linked to ${enterprise.creditCode}`, { enterprise: enterprise.name });

  const now = ctx.clock.now();
  const date = parsed.date ?? toShanghaiDate(now);
  const badDate = visitDateProblem(toShanghaiDate(now), date);
  if (badDate) throw badDate;
  const learnt = checkText(parsed.learnt, 1, MAX_LEARNT);
  if (parsed.problems.length > MAX_PROBLEMS) throw new DomainError('visit.too-many-problems', `more than ${MAX_PROBLEMS} problems`, { max: MAX_PROBLEMS });
  const id = parsed.id ?? new mongoose.Types.ObjectId().toHexString();
  const problems = parsed.problems.map((text, index) => ({ text: checkText(text, MIN_PROBLEM, MAX_TEXT), ticket: problemTicketId(id, index) }));
  let giftDetail: string | undefined;
  if (parsed.giftsAccepted) {
    if (!parsed.giftDetail?.trim()) throw new DomainError('visit.gift-detail', 'a declared gift needs its detail');
    giftDetail = checkText(parsed.giftDetail, 1, MAX_GIFT_DETAIL);
  }

  const visit: VisitRecord = {
    _id: id,
    official: person.code,
    unit: person.unit,
    leadership,
    enterprise: enterprise.creditCode,
    linked,
    date,
    form: parsed.form,
    learnt,
    problems,
    meal: parsed.meal,
    giftsAccepted: parsed.giftsAccepted,
    ...(giftDetail !== undefined ? { giftDetail } : {}),
    recordedAt: now,
  };
  const done = await completeVisit(ctx, visit, person, enterprise);
  try {
    await ctx.db.models.Visit.create(visit);
  } catch (error) {
    // The same draft confirmed twice at once: the first record stands, and both callers see it.
    const winner = isDuplicateKey(error) ? await recordedBefore(ctx, visit._id, person) : undefined;
    if (!winner) throw error;
    return winner;
  }
  return done;
}

/**
 * The id of the ticket for a visit's `index`-th problem: derived, so a visit confirmed again finds the
 * tickets its first attempt wrote. 24 hex digits, the shape ticket look-ups by id expect.
 */
export function problemTicketId(visitId: string, index: number): string {
  return createHash('sha256').update(`visit.${visitId}.problem.${index}`).digest('hex').slice(0, 24);
}

/** A visit already recorded under `id` by this official, its effects made sure of again (idempotently). */
async function recordedBefore(ctx: TicketServiceContext, id: string, person: OfficialDoc): Promise<LoggedVisit | undefined> {
  const stored = await ctx.db.models.Visit.findById(id).lean<VisitRecord>();
  if (!stored) return undefined;
  if (stored.official !== person.code) throw new DomainError('visit.forbidden', `visit ${id} belongs to another official`);
  const enterprise = (await findEnterprise(ctx, stored.enterprise)) ?? { creditCode: stored.enterprise, name: stored.enterprise };
  return completeVisit(ctx, { ...stored, _id: String(stored._id) }, person, enterprise);
}

/** Writes what a visit owes the ledger and discipline inspection; safe to run again. */
async function completeVisit(ctx: TicketServiceContext, visit: VisitRecord, person: Pick<OfficialDoc, 'code' | 'name'>, enterprise: VisitableEnterprise): Promise<LoggedVisit> {
  const tickets: LoggedVisit['tickets'] = [];
  // One after another: the ledger numbers follow the order the problems were told.
  for (const problem of visit.problems) {
    const ticket = await createTicketFromVisit(ctx, { ticketId: problem.ticket, visitId: visit._id, official: { code: person.code, name: person.name }, enterprise: visit.enterprise, text: problem.text });
    tickets.push({ number: ticket.number, text: problem.text });
  }
  const told = visit.giftsAccepted ? await declareGift(ctx, visit, person, enterprise) : [];
  return { visit, tickets, inspectorsTold: told };
}

/** Where declarations go: the inspectors, or failing any, the discipline units' officials. */
async function disciplineRecipients(ctx: TicketServiceContext): Promise<string[]> {
  const found = await inspectors(ctx);
  if (found.length > 0) return found.map((o) => o.code);
  const units = ctx.profile.units.filter((u) => u.kind === 'discipline').map((u) => u.code);
  const fallback = await ctx.db.models.Official.find({ unit: { $in: units }, active: true }).sort({ code: 1 }).lean<OfficialDoc[]>();
  return fallback.map((o) => o.code);
}

/** The dedupe key of a declaration's notice to one inspector: one per visit and inspector. */
export function giftNoticeKey(visitId: string, inspector: string): string {
  return ['n', 'visit', visitId, 'official', inspector, 'notice.gift-declared'].join('.');
}

async function declareGift(ctx: TicketServiceContext, visit: VisitRecord, person: Pick<OfficialDoc, 'code' | 'name'>, enterprise: VisitableEnterprise): Promise<string[]> {
  const recipients = await disciplineRecipients(ctx);
  if (recipients.length === 0) ctx.logger.error({ visit: visit._id, official: person.code }, 'a gift was declared but no discipline inspector exists to tell');
  const params = { officer: `${person.name}（${person.code}）`, enterprise: enterprise.name, detail: `${visit.giftDetail ?? ''}（${visit.date}）` };
  const jobs = recipients.map((code) => noticeJob({ kind: 'official', ref: code }, 'notice.gift-declared', params, giftNoticeKey(visit._id, code)));
  await queueNotices(ctx, jobs);
  return recipients;
}
