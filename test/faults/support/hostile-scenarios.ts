/**
 * Every step of every flow, and who is brought there how: for each, the legitimate messages that lead a
 * persona to it (preparing the ticket it needs first), and the legitimate answer to each step, which is
 * how a conversation is carried on to its end after a hostile message.
 */
import type { TicketRecord } from '../../../src/services/tickets/ticket-store.ts';
import type { TestApp } from '../../support/app-context.ts';
import { acceptedTicket, extensionPendingTicket, newCreditCode, resolvedTicket, submittedTicket, type Input, type Persona } from './abuse-world.ts';

export const PERSONAS = ['unknown-zh', 'unknown-en', 'contact-zh', 'contact-en', 'pending-zh', 'official-zh', 'official-en', 'supervisor-zh', 'supervisor-en', 'inspector-zh'] as const;
export type PersonaName = (typeof PERSONAS)[number];

export interface World {
  app: TestApp;
  personas: Record<Exclude<PersonaName, 'unknown-zh' | 'unknown-en'>, Persona>;
  /** An active contact of a third enterprise: files the office's complaints and the misconduct reports. */
  reporter: Persona;
}

export interface Scenario {
  persona: PersonaName;
  /** Where the setup must leave the persona: a flow and step, or none (idle). */
  flow?: string;
  step?: string;
  setup(world: World, persona: Persona): Promise<Input[]>;
}

export const DESCRIPTION = '我公司申报的人防工程审批已超过法定时限两周，至今没有答复，影响开工。';
export const LEARNT = '企业反映审批材料较多，希望压缩办理时限。';
export const NOTE = '已与企业电话沟通，正在协调相关处室。';
export const TRANSFER_REASON = '该事项属于其他处室职责范围。';
export const REFUSE_REASON = '请按原定时限办结，不予延期。';
export const GIFT = '一盒茶叶，已当场退回。';
export const RESULT = '经核查已办理完毕。';
export const EXTEND_REASON = '需要补充现场勘查。';

/** The free texts legitimate answers store: other people may be shown them, in any language. */
export const LEGIT_TEXTS = [DESCRIPTION, LEARNT, NOTE, TRANSFER_REASON, REFUSE_REASON, GIFT, RESULT, EXTEND_REASON, '测试企业有限公司', '郑州市', '张三'];

const say = (...texts: string[]): Input[] => texts.map((text) => ({ text }));

async function first(app: TestApp, filter: Record<string, unknown>, ok: (ticket: TicketRecord) => boolean = () => true): Promise<TicketRecord | undefined> {
  const tickets = await app.db.models.Ticket.find(filter).sort({ number: 1 }).lean<TicketRecord[]>();
  return tickets.find(ok);
}

const noPendingExtension = (ticket: TicketRecord) => ticket.extension?.status !== 'pending';

/** An accepted ticket the official is assigned (their own enterprise's chief-officer tickets). */
async function ownAccepted(world: World, persona: Persona, ok: (ticket: TicketRecord) => boolean = () => true): Promise<TicketRecord> {
  const found = await first(world.app, { assignee: persona.official, status: 'accepted', discipline: false }, ok);
  if (found) return found;
  return acceptedTicket(world.app, persona.official === 'rf-works-01' ? world.personas['contact-zh'] : world.personas['contact-en'], 'project-approval');
}

async function transferable(world: World, persona: Persona): Promise<TicketRecord> {
  const found = await first(world.app, { assignee: persona.official, status: { $in: ['assigned', 'accepted'] }, discipline: false }, (t) => t.transfers < 2);
  if (found) return found;
  return submittedTicket(world.app, persona.official === 'rf-works-01' ? world.personas['contact-zh'] : world.personas['contact-en'], 'project-approval');
}

async function pendingExtension(world: World, unit: string): Promise<TicketRecord> {
  const found = await first(world.app, { unit, status: 'accepted', discipline: false }, (t) => t.extension?.status === 'pending');
  if (found) return found;
  return unit === 'works' ? extensionPendingTicket(world.app, world.personas['contact-zh'], 'project-approval') : extensionPendingTicket(world.app, world.reporter, 'complaint');
}

async function unitAccepted(world: World, unit: string): Promise<TicketRecord> {
  const found = await first(world.app, { unit, status: 'accepted', discipline: false });
  if (found) return found;
  return unit === 'works' ? acceptedTicket(world.app, world.personas['contact-zh'], 'project-approval') : acceptedTicket(world.app, world.reporter, 'complaint');
}

async function report(world: World, statuses: string[]): Promise<TicketRecord> {
  const found = await first(world.app, { discipline: true, assignee: 'rf-discipline-01', status: { $in: statuses } });
  if (found) return found;
  return statuses.includes('assigned') ? submittedTicket(world.app, world.reporter, 'gifts-banquets') : acceptedTicket(world.app, world.reporter, 'gifts-banquets');
}

async function ratable(world: World, persona: Persona): Promise<TicketRecord> {
  const found = await first(world.app, { enterprise: persona.enterprise, status: 'resolved' });
  return found ?? resolvedTicket(world.app, persona, 'project-approval');
}

/** An official's typed command in their language ("进展 RF-…" or "progress RF-…"). */
function verb(persona: Persona, zh: string, en: string, number: string): Input {
  return { text: `${persona.lang === 'en' ? en : zh} ${number}` };
}

const REGISTER = [
  ['company-name', []],
  ['credit-code', ['测试企业有限公司']],
  ['ownership', ['测试企业有限公司', '«CODE»']],
  ['size', ['测试企业有限公司', '«CODE»', '2']],
  ['region', ['测试企业有限公司', '«CODE»', '2', '3']],
  ['contact-name', ['测试企业有限公司', '«CODE»', '2', '3', '郑州市']],
  ['phone', ['测试企业有限公司', '«CODE»', '2', '3', '郑州市', '张三']],
  ['confirm', ['测试企业有限公司', '«CODE»', '2', '3', '郑州市', '张三', '13800138000']],
  ['edit', ['测试企业有限公司', '«CODE»', '2', '3', '郑州市', '张三', '13800138000', '修改']],
] as const;

const VISIT = [
  ['enterprise', []],
  ['date', ['1']],
  ['form', ['1', '今天']],
  ['learnt', ['1', '今天', '1']],
  ['problems', ['1', '今天', '1', LEARNT]],
  ['meal', ['1', '今天', '1', LEARNT, '没有']],
  ['gifts', ['1', '今天', '1', LEARNT, '没有', '1']],
  ['giftDetail', ['1', '今天', '1', LEARNT, '没有', '1', '是']],
  ['confirm', ['1', '今天', '1', LEARNT, '没有', '1', '否']],
] as const;

function contactScenarios(persona: 'contact-zh' | 'contact-en'): Scenario[] {
  const en = persona === 'contact-en';
  const consult = en ? 'question' : '咨询';
  const submit = (step: string, ...texts: string[]): Scenario => ({ persona, flow: 'submit', step, setup: async () => say('/new', ...texts) });
  return [
    { persona, setup: async () => [] },
    submit('group'),
    submit('category', '1'),
    submit('describe', consult),
    submit('attachments', consult, DESCRIPTION),
    submit('confirm', consult, DESCRIPTION, '完成'),
    submit('edit', consult, DESCRIPTION, '完成', '修改'),
    submit('anonymity', en ? 'report' : '举报', '1', DESCRIPTION, en ? 'done' : '完成'),
    {
      persona,
      flow: 'rate',
      step: 'pick',
      setup: async (w, p) => {
        await ratable(w, p);
        return say('/rate');
      },
    },
    { persona, flow: 'rate', step: 'level', setup: async (w, p) => say(`/rate ${(await ratable(w, p)).number}`) },
    { persona, flow: 'rate', step: 'comment', setup: async (w, p) => say(`/rate ${(await ratable(w, p)).number}`, en ? 'satisfied' : '满意') },
  ];
}

function officialScenarios(persona: 'official-zh' | 'official-en'): Scenario[] {
  const flow = (name: string, step: string, open: (w: World, p: Persona) => Promise<Input>, ...texts: string[]): Scenario => ({
    persona,
    flow: name,
    step,
    setup: async (w, p) => [await open(w, p), ...say(...texts)],
  });
  const progress = async (w: World, p: Persona) => verb(p, '进展', 'progress', (await ownAccepted(w, p)).number);
  const transfer = async (w: World, p: Persona) => verb(p, '转办', 'transfer', (await transferable(w, p)).number);
  const extend = async (w: World, p: Persona) => verb(p, '延期', 'extend', (await ownAccepted(w, p, noPendingExtension)).number);
  const resolve = async (w: World, p: Persona) => verb(p, '办结', 'resolve', (await ownAccepted(w, p)).number);
  return [
    { persona, setup: async () => [] },
    flow('officer-progress', 'note', progress),
    flow('officer-transfer', 'unit', transfer),
    flow('officer-transfer', 'reason', transfer, '1'),
    flow('officer-transfer', 'confirm', transfer, '1', TRANSFER_REASON),
    flow('officer-extend', 'days', extend),
    flow('officer-extend', 'reason', extend, '3'),
    flow('officer-resolve', 'result', resolve),
    flow('officer-resolve', 'confirm', resolve, RESULT),
    ...VISIT.map(([step, texts]): Scenario => ({ persona, flow: 'visit-log', step, setup: async () => say(persona === 'official-en' ? '/visit' : '走访', ...texts) })),
  ];
}

function supervisorScenarios(persona: 'supervisor-zh' | 'supervisor-en', unit: string): Scenario[] {
  return [
    { persona, setup: async () => [] },
    { persona, flow: 'extension-refuse', step: 'reason', setup: async (w, p) => [verb(p, '不批准', 'refuse', (await pendingExtension(w, unit)).number)] },
    { persona, flow: 'officer-progress', step: 'note', setup: async (w, p) => [verb(p, '进展', 'progress', (await unitAccepted(w, unit)).number)] },
  ];
}

/** The whole catalogue: every step of every flow, for every kind of persona that can reach it. */
export function scenarios(): Scenario[] {
  const register = (persona: 'unknown-zh' | 'unknown-en'): Scenario[] => [
    { persona, setup: async () => [] },
    ...REGISTER.map(([step, texts]): Scenario => ({
      persona,
      flow: 'register',
      step,
      setup: async () => say(persona === 'unknown-en' ? 'hello' : '你好', ...texts.map((text) => (text === '«CODE»' ? newCreditCode() : text))),
    })),
  ];
  return [
    ...register('unknown-zh'),
    ...register('unknown-en'),
    ...contactScenarios('contact-zh'),
    ...contactScenarios('contact-en'),
    { persona: 'pending-zh', setup: async () => [] },
    ...officialScenarios('official-zh'),
    ...officialScenarios('official-en'),
    ...supervisorScenarios('supervisor-zh', 'works'),
    ...supervisorScenarios('supervisor-en', 'office'),
    { persona: 'inspector-zh', setup: async () => [] },
    { persona: 'inspector-zh', flow: 'officer-resolve', step: 'outcome', setup: async (w) => say(`办结 ${(await report(w, ['assigned', 'accepted'])).number}`) },
    { persona: 'inspector-zh', flow: 'officer-resolve', step: 'result', setup: async (w) => say(`办结 ${(await report(w, ['assigned', 'accepted'])).number}`, '不属实') },
    { persona: 'inspector-zh', flow: 'officer-progress', step: 'note', setup: async (w) => say(`进展 ${(await report(w, ['accepted'])).number}`) },
  ];
}

const ANSWERS: Record<string, Record<string, string>> = {
  register: { 'company-name': '测试企业有限公司', ownership: '2', size: '3', region: '郑州市', 'contact-name': '张三', phone: '13800138000', confirm: '确认', edit: '5' },
  submit: { group: '咨询', category: '1', describe: DESCRIPTION, attachments: '完成', anonymity: '实名', confirm: '确认', edit: '2' },
  rate: { pick: '1', level: '满意', comment: '跳过' },
  'officer-progress': { note: NOTE },
  'officer-transfer': { unit: '1', reason: TRANSFER_REASON, confirm: '确认' },
  'officer-extend': { days: '3', reason: EXTEND_REASON },
  'officer-resolve': { outcome: '不属实', result: RESULT, confirm: '确认' },
  'extension-refuse': { reason: REFUSE_REASON },
  'visit-log': { enterprise: '1', date: '今天', form: '1', learnt: LEARNT, problems: '没有', meal: '1', gifts: '否', giftDetail: GIFT, confirm: '确认' },
};

/** The legitimate answer to a step, to carry a conversation on to its end. */
export function legitAnswer(flow: string, step: string): Input {
  if (flow === 'register' && step === 'credit-code') return { text: newCreditCode() };
  const text = ANSWERS[flow]?.[step];
  if (text === undefined) throw new Error(`no legitimate answer for ${flow}.${step}`);
  return { text };
}
