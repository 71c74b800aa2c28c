/**
 * Hostile chat input, generated from a seed so a failing run can be replayed exactly: random Unicode from
 * every plane (unpaired surrogates too), control, zero-width and bidi characters, 10 MB texts, query
 * operators, SQL and markup as text, emoji floods, forged button data, replays, odd attachments, empty
 * messages and commands with hostile arguments. Pure: no I/O, so the same seed gives the same inputs.
 */
import type { Attachment } from '../../../src/platforms/types.ts';

/** A small deterministic PRNG (sfc32 seeded through splitmix32): fast, and the same on every machine. */
export interface Rng {
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let [a, b, c, d] = [split(), split(), split(), split()];
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (p) => next() < p,
  };
}

export const HOSTILE_KINDS = [
  'unicode',
  'control',
  'zero-width',
  'bidi',
  'huge',
  'operator',
  'sql',
  'markup',
  'emoji',
  'callback',
  'replay',
  'attachment',
  'empty',
  'command',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/**
 * Placeholders in forged button data, filled in by the test with ids the persona has no right to:
 * «TICKET» another party's ticket number, «CONTACT» another enterprise's pending contact id,
 * «EVENT» a service day that does not exist or does not invite the persona.
 */
export const PLACEHOLDERS = ['«TICKET»', '«CONTACT»', '«EVENT»'] as const;

export type Hostile =
  | { kind: Exclude<HostileKind, 'callback' | 'replay' | 'attachment'>; text: string }
  | { kind: 'attachment'; text: string; attachments: Attachment[] }
  | { kind: 'callback'; data: string }
  /** Resend an earlier message's platform id; `pick` in [0, 1) chooses which one. */
  | { kind: 'replay'; pick: number };

/** The 10 MB texts are few: each costs a second or so. */
export const HUGE_LENGTH = 10 * 1024 * 1024;

const OPERATORS = [
  '{"$ne": null}',
  '{"$where": "sleep(1000)"}',
  '{"$gt": ""}',
  '$gt',
  '{"number": {"$regex": ".*"}}',
  '{"$expr": {"$eq": [1, 1]}}',
  '{"status": {"$in": ["resolved", "closed"]}}',
  '[$ne]=1',
  'number[$ne]=x',
  '{"$or": [{}, {"a": 1}]}',
  '{"__proto__": {"admin": true}}',
  'constructor.prototype.isAdmin=true',
  '{"$set": {"status": "closed"}}',
  'db.tickets.drop()',
  '{"$function": {"body": "function(){return true}", "args": [], "lang": "js"}}',
];
const SQL = [
  "' OR 1=1 --",
  "'; DROP TABLE tickets; --",
  '1; SELECT * FROM officials',
  "admin'--",
  "' UNION SELECT name, phone FROM contacts --",
  '"; EXEC xp_cmdshell(\'dir\'); --',
  "1' AND SLEEP(5)#",
  'RF-2026-000001\' OR \'1\'=\'1',
];
const MARKUP = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(document.cookie)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${process.exit(1)}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '{number} {max} {enterprise}',
  '<b>加粗</b><a href="http://evil.example">点击</a>',
  '[click](tg://user?id=1)',
  '*bold* _italic_ `code` ```pre```',
  '&lt;&gt;&amp;&#0;',
  '\\u0000\\n\\r',
  'undefined',
  'NaN',
  '[object Object]',
];
const COMMANDS = [
  '/status {"$ne": null}',
  '/status RF-2026-000001\' OR 1=1',
  '/status ＲＦ－２０２６－０００００１',
  `/status RF-2026-${'9'.repeat(1000)}`,
  '/status RF-2026-000001\u0000',
  '/rate $gt',
  '/rate {"$where": "1"}',
  '/new <script>alert(1)</script> 投诉内容投诉内容',
  '/cancel@evil_bot',
  '/help@x',
  '/STATUS',
  '/unknowncommand payload',
  '/tasks {"$ne": null}',
  '/overdue $where',
  '/visit ../../etc',
  '/start {"$gt": ""}',
  '查询 {"$gt": ""}',
  '进度 RF-2026-000001 RF-2026-000002',
  '受理 {"$ne": null}',
  '办结 RF-2026-99999999999',
  '转办RF-2099-000001',
  '延期 rf-2099-000002',
  '进展 RF-2099-000003',
  '批准 RF-2099-000004',
  '不批准 RF-2099-000005',
  '评价 RF-2099-000006',
  '取\u200b消',
  'c\u200bancel',
];
const FORGED = [
  't:accept:«TICKET»',
  't:progress:«TICKET»',
  't:transfer:«TICKET»',
  't:extend:«TICKET»',
  't:resolve:«TICKET»',
  't:ext-yes:«TICKET»',
  't:ext-no:«TICKET»',
  'r:very-satisfied:«TICKET»',
  'r:very-dissatisfied:«TICKET»',
  'rate:pick:«TICKET»',
  'j:yes:«CONTACT»',
  'j:no:«CONTACT»',
  'sd:yes:«EVENT»',
  't:accept:{"$ne": null}',
  't:resolve:RF-2099-000001',
  'r:$gt:RF-2099-000001',
  'r:satisfied:{"$ne": null}',
  'j:yes:{"$ne": null}',
  'j:yes:000000000000000000000000',
  'sd:no:{"$gt": ""}',
  'submit:cat:{"$ne": null}',
  'submit:group:__proto__',
  'reg:own:constructor',
  'reg:confirm:extra',
  'of:unit:{"$ne": null}',
  'of:yes:RF-2099-000001',
  'lv:ent:{"$ne": null}',
  'rate:level:$where',
  '__proto__',
  'constructor',
  ':',
  '::::',
];
const EMOJI = ['😀', '👍', '🔥', '💩', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇨🇳', '👍🏿', '1️⃣', '❤️', '🧑🏽‍💻', '🫠', '🀄', '#️⃣'];
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u180e', '\u00ad', '\u034f', '\u2066', '\u2069'];
const BIDI = ['\u202e', '\u202d', '\u202a', '\u202b', '\u202c', '\u2067', '\u2068', '\u200f', '\u200e', '\u061c'];
const WORDS = ['投诉', '确认', '取消', '1', '是', 'yes', '完成', '跳过', '办结', '审批材料已提交二十个工作日仍未答复', 'RF-2026-000001', 'admin'];

/** One random code point from anywhere, unpaired surrogate halves included. */
function anyCodeUnit(rng: Rng): string {
  const plane = rng.pick([0, 0, 0, 0, 1, 1, 2, 3, 14, 15, 16]);
  if (plane === 0 && rng.chance(0.15)) return String.fromCharCode(rng.int(0xd800, 0xdfff));
  return String.fromCodePoint(plane * 0x10000 + rng.int(0, 0xffff));
}

function unicodeText(rng: Rng): string {
  return Array.from({ length: rng.int(1, 300) }, () => anyCodeUnit(rng)).join('');
}

function controlText(rng: Rng): string {
  const control = (): string => String.fromCharCode(rng.chance(0.7) ? rng.int(0, 0x1f) : rng.pick([0x7f, rng.int(0x80, 0x9f)]));
  return Array.from({ length: rng.int(1, 80) }, () => (rng.chance(0.6) ? control() : rng.pick(WORDS))).join('');
}

function sprinkle(rng: Rng, text: string, marks: readonly string[]): string {
  return [...text].map((char) => (rng.chance(0.5) ? char + rng.pick(marks) : char)).join('');
}

function hugeText(rng: Rng): string {
  const unit = rng.pick(['a', '审', '投诉内容\n', '😀', '{"$ne": null}']);
  return unit.repeat(Math.ceil(HUGE_LENGTH / unit.length)).slice(0, HUGE_LENGTH);
}

/** Sometimes a lone payload, sometimes wrapped in enough words to pass as a description. */
function wrapped(rng: Rng, payload: string): string {
  if (rng.chance(0.4)) return payload;
  return rng.pick(['', '我公司反映：', 'Note: ']) + payload + rng.pick(['', ' 请尽快处理，谢谢。', ' please look into this.']);
}

function oddAttachment(rng: Rng, index: number): Attachment {
  const kind = rng.pick(['photo', 'document', 'audio', 'video', 'sticker', 'other'] as const);
  const fileRef = rng.pick([`file-${index}`, '{"$ne": null}', 'x'.repeat(rng.int(513, 2000)), unicodeText(rng), '../../etc/passwd']);
  const attachment: Attachment = { kind, fileRef };
  if (rng.chance(0.6)) attachment.fileName = rng.pick(['a'.repeat(300) + '.pdf', '\u202egpj.exe', '{"$gt": ""}.doc', '../../etc/shadow', '', '报告.pdf', unicodeText(rng)]);
  if (rng.chance(0.5)) attachment.mimeType = rng.pick(['application/x-msdownload', 'text/html', '', 'image/svg+xml', '{"$ne":1}']);
  if (rng.chance(0.5)) attachment.size = rng.pick([0, -1, Number.NaN, 1e15, Number.MAX_SAFE_INTEGER]);
  return attachment;
}

/**
 * The generator of a run: `at(i)` is the i-th of `total` hostile inputs, the same for the same seed.
 * Three of them (at a quarter, half and three quarters of the run) are 10 MB texts.
 */
export function hostileInputs(seed: number, total: number): { at(index: number): Hostile } {
  const hugeAt = new Set([Math.floor(total / 4), Math.floor(total / 2), Math.floor((3 * total) / 4)]);
  const kinds = HOSTILE_KINDS.filter((kind) => kind !== 'huge');
  return {
    at(index) {
      const rng = createRng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
      if (hugeAt.has(index)) return { kind: 'huge', text: hugeText(rng) };
      const kind = rng.pick(kinds);
      switch (kind) {
        case 'unicode':
          return { kind, text: unicodeText(rng) };
        case 'control':
          return { kind, text: controlText(rng) };
        case 'zero-width':
          return { kind, text: rng.chance(0.3) ? Array.from({ length: rng.int(1, 50) }, () => rng.pick(INVISIBLE)).join('') : sprinkle(rng, rng.pick(WORDS), INVISIBLE) };
        case 'bidi':
          return { kind, text: sprinkle(rng, rng.pick([...WORDS, '<script>alert(1)</script>', 'gpj.exe 发票']), BIDI) };
        case 'operator':
          return { kind, text: wrapped(rng, rng.pick(OPERATORS)) };
        case 'sql':
          return { kind, text: wrapped(rng, rng.pick(SQL)) };
        case 'markup':
          return { kind, text: wrapped(rng, rng.pick(MARKUP)) };
        case 'emoji':
          return { kind, text: Array.from({ length: rng.pick([1, 3, 12, 500, 3000]) }, () => rng.pick(EMOJI)).join(rng.chance(0.2) ? ' ' : '') };
        case 'callback': {
          const shape = rng.int(0, 3);
          const data = shape === 0 ? unicodeText(rng).slice(0, 64) : shape === 1 ? rng.pick(FORGED) + 'x'.repeat(rng.int(64, 4096)) : rng.pick(FORGED);
          return { kind, data };
        }
        case 'replay':
          return { kind, pick: rng.next() };
        case 'attachment': {
          const count = rng.pick([1, 1, 2, 11, 30]);
          return { kind, text: rng.chance(0.5) ? '' : wrapped(rng, rng.pick([...OPERATORS, ...MARKUP, ...SQL])), attachments: Array.from({ length: count }, (_, i) => oddAttachment(rng, i)) };
        }
        case 'empty':
          return { kind, text: rng.pick(['', ' ', '\n\n\t', '\u3000', '\u200b', '\u200b\u200c\ufeff', '\u202e', '\u00a0\u2007']) };
        case 'command':
          return { kind, text: rng.pick(COMMANDS) };
      }
    },
  };
}

/** A short, printable form of a hostile input for failure messages (escapes, and never 10 MB). */
export function describeHostile(hostile: Hostile): string {
  const show = (value: string): string => JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}… (${value.length} units)` : value);
  if (hostile.kind === 'callback') return `callback ${show(hostile.data)}`;
  if (hostile.kind === 'replay') return 'replay of an earlier message id';
  if (hostile.kind === 'attachment') return `${hostile.attachments.length} attachment(s) [${hostile.attachments.map((a) => a.kind).join(',')}] text ${show(hostile.text)}`;
  return `${hostile.kind} ${show(hostile.text)}`;
}
