/**
 * A department profile: the units, submission categories, routing and deadlines of one government
 * department, kept as data (`config/profiles/*.yaml`) so a department is configured, not coded.
 * This module only validates an already-parsed document; reading files belongs to `src/config/`.
 */
import { z } from 'zod';
import { ProfileError, type ProfileIssue } from './errors.ts';

/** Unit and category codes: stable ids stored on tickets, so they are plain kebab-case. */
const codeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be kebab-case: lower-case letters, digits, single hyphens');

const textSchema = z.string().trim().min(1, 'must not be empty');

/** Every name an enterprise or official reads exists in both languages the bot speaks. */
export const bilingualSchema = z.strictObject({ zh: textSchema, en: textSchema });

/** `discipline` receives misconduct reports; `leadership` is the last escalation level. */
export const UNIT_KINDS = ['department', 'discipline', 'leadership'] as const;

/** What the enterprise is doing: asking, requesting, complaining, suggesting, or reporting an official. */
export const CATEGORY_KINDS = ['consultation', 'request', 'complaint', 'suggestion', 'misconduct'] as const;

/** All day counts in a profile are Chinese working days, so one calendar routine serves them all. */
const workingDaysSchema = z.int().min(1).max(250);

/**
 * The document item a category implements: `R(n)` of the civil-air-defence measures, `P+k` / `P-k` of the
 * positive / negative list of 豫办〔2020〕23号 (with `.m` for an annex sub-item), `S` / `S.m` its supervision.
 */
const clauseSchema = z
  .string()
  .regex(/^(?:R\(\d{1,2}\)|P[+-]\d(?:\.\d)?|S(?:\.\d)?)$/, 'must look like R(12), P+8, P+8.4, P-5 or S.3');

const unitSchema = z.strictObject({
  code: codeSchema,
  name: bilingualSchema,
  kind: z.enum(UNIT_KINDS),
});

const categorySchema = z.strictObject({
  code: codeSchema,
  name: bilingualSchema,
  kind: z.enum(CATEGORY_KINDS),
  // References are checked against `units` by checkReferences, which names the unknown code.
  lead: z.string().min(1),
  coUnits: z.array(z.string().min(1)).default([]),
  respondDays: workingDaysSchema,
  resolveDays: workingDaysSchema,
  clause: clauseSchema.optional(),
  description: bilingualSchema.optional(),
});

const rulesSchema = z
  .strictObject({
    /** P-4 推诿扯皮: after this many transfers a ticket goes to a supervisor instead of bouncing on. */
    maxTransfers: z.int().min(0).max(10).default(2),
    /** Working days a unit has for 整改 after a bad rating. */
    rectifyDays: workingDaysSchema.default(15),
    /** Working days the enterprise has to rate a result (好差评) before the ticket closes unrated. */
    ratingWindowDays: z.int().min(1).max(30).default(3),
    /** R(8)/P+5: each official visits each linked enterprise at least this often per half year. */
    linkVisitsPerHalfYear: z.int().min(0).max(26).default(1),
    /** R(2): leadership members visit their enterprises at least this often per year. */
    leadershipVisitsPerYear: z.int().min(0).max(52).default(2),
    /** R(2): entrepreneurs' symposiums (企业家座谈会) per year. */
    symposiumsPerYear: z.int().min(0).max(12).default(1),
    /** Working days before a visit period ends when officials are reminded; kept in descending order. */
    reminderDaysBeforePeriodEnd: z
      .array(z.int().min(1).max(130))
      .refine((days) => new Set(days).size === days.length, 'must not list a day twice')
      .default([30, 14, 3])
      .transform((days) => [...days].sort((a, b) => b - a)),
  })
  // prefault, not default: the empty object is parsed, so every field's own default applies.
  .prefault({});

const yearOverridesSchema = z.strictObject({
  holidays: z.array(z.iso.date()).default([]),
  workdays: z.array(z.iso.date()).default([]),
});

const calendarSchema = z
  .strictObject({
    /**
     * Per-year corrections to the built-in Chinese holiday table, for a year the table does not know yet
     * or a local arrangement: extra days off, and weekend days worked (调休).
     */
    overrides: z.record(z.string().regex(/^\d{4}$/, 'must be a four-digit year'), yearOverridesSchema).default({}),
  })
  .prefault({});

/** The profile document as written in YAML (defaults not yet applied). */
export const profileSchema = z.strictObject({
  code: codeSchema,
  name: bilingualSchema,
  /** Public ticket numbers read `RF-2026-000123`; upper-case so they survive being read aloud. */
  ticketPrefix: z.string().regex(/^[A-Z]{2,4}$/, 'must be 2 to 4 upper-case letters'),
  units: z.array(unitSchema).min(1),
  categories: z.array(categorySchema).min(1),
  rules: rulesSchema,
  calendar: calendarSchema,
});

/** A validated profile, defaults applied. */
export type Profile = z.output<typeof profileSchema>;
/** A profile as authored, before defaults: what tests and loaders build. */
export type ProfileInput = z.input<typeof profileSchema>;
export type Unit = Profile['units'][number];
export type Category = Profile['categories'][number];
export type ProfileRules = Profile['rules'];
export type Bilingual = z.output<typeof bilingualSchema>;
export type UnitKind = (typeof UNIT_KINDS)[number];
export type CategoryKind = (typeof CATEGORY_KINDS)[number];

/**
 * The categories of the negative list (P-1…P-9, misconduct among them): the cases discipline inspection
 * oversees, told of their escalations and able to see them.
 */
export function negativeListCategories(profile: Pick<Profile, 'categories'>): string[] {
  return profile.categories.filter((category) => category.clause?.startsWith('P-') === true).map((category) => category.code);
}

/**
 * Validates a parsed profile document and checks its cross-references.
 * @throws {ProfileError} listing every problem at once, each with its path (`categories[3].lead`).
 */
export function parseProfile(data: unknown): Profile {
  const result = profileSchema.safeParse(data, { reportInput: true });
  const issues: ProfileIssue[] = result.success ? [] : result.error.issues.flatMap(toProfileIssues);
  // References are checked on the raw input, not the parse result, because zod skips refinements once a
  // field fails; this way one run reports a typo in a name and a dangling unit together.
  issues.push(...checkReferences(data));
  if (issues.length > 0 || !result.success) throw new ProfileError(issues);
  return result.data;
}

function toProfileIssues(issue: z.core.$ZodIssue): ProfileIssue[] {
  // One line per unexpected key, named by its own path: YAML typos (`co_units`) are the common case.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
  }
  // "expected string, received undefined" reads badly to whoever forgot a field in the YAML.
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return [{ path: formatPath(issue.path), message: missing ? 'required' : issue.message }];
}

/** `['categories', 3, 'lead']` → `categories[3].lead`; the empty path is the document itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

type RawRecord = Record<string, unknown>;

function isRecord(value: unknown): value is RawRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): (RawRecord | undefined)[] {
  return Array.isArray(value) ? value.map((v) => (isRecord(v) ? v : undefined)) : [];
}

/**
 * Cross-field and cross-reference rules zod cannot express per field. Works on the raw document and
 * skips whatever is too malformed to judge, since the schema already reports that.
 */
function checkReferences(data: unknown): ProfileIssue[] {
  if (!isRecord(data)) return [];
  const issues: ProfileIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  const units = new Map<string, { kind: unknown; index: number }>();
  records(data.units).forEach((unit, i) => {
    if (typeof unit?.code !== 'string') return;
    const first = units.get(unit.code);
    if (first) add(`units[${i}].code`, `duplicate unit "${unit.code}" (first at units[${first.index}])`);
    else units.set(unit.code, { kind: unit.kind, index: i });
  });
  if (Array.isArray(data.units) && ![...units.values()].some((u) => u.kind === 'discipline')) {
    add('units', 'no unit of kind "discipline": misconduct reports need one');
  }

  const categories = new Map<string, number>();
  records(data.categories).forEach((category, i) => {
    if (!category) return;
    const at = `categories[${i}]`;
    const { code, lead, kind, respondDays, resolveDays } = category;
    if (typeof code === 'string') {
      const first = categories.get(code);
      if (first !== undefined) add(`${at}.code`, `duplicate category "${code}" (first at categories[${first}])`);
      else categories.set(code, i);
    }
    if (typeof lead === 'string') {
      const leadUnit = units.get(lead);
      if (!leadUnit) add(`${at}.lead`, `unknown unit "${lead}"`);
      else if (kind === 'misconduct' && leadUnit.kind !== 'discipline') {
        add(`${at}.lead`, `a misconduct category must lead to a discipline unit, "${lead}" is a ${String(leadUnit.kind)} unit`);
      }
    }
    const seen = new Set<string>();
    (Array.isArray(category.coUnits) ? category.coUnits : []).forEach((co: unknown, j) => {
      if (typeof co !== 'string') return;
      const path = `${at}.coUnits[${j}]`;
      if (!units.has(co)) add(path, `unknown unit "${co}"`);
      else if (co === lead) add(path, `"${co}" is already the lead unit`);
      else if (seen.has(co)) add(path, `"${co}" is listed twice`);
      seen.add(co);
    });
    if (typeof respondDays === 'number' && typeof resolveDays === 'number' && resolveDays < respondDays) {
      add(`${at}.resolveDays`, `${resolveDays} is shorter than respondDays (${respondDays})`);
    }
  });

  const overrides = isRecord(data.calendar) ? data.calendar.overrides : undefined;
  if (isRecord(overrides)) {
    for (const [year, days] of Object.entries(overrides)) {
      if (isRecord(days)) issues.push(...checkYear(year, days));
    }
  }
  return issues;
}

function checkYear(year: string, days: RawRecord): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const holidays = new Set<unknown>(Array.isArray(days.holidays) ? days.holidays : []);
  for (const list of ['holidays', 'workdays'] as const) {
    const dates: unknown[] = Array.isArray(days[list]) ? days[list] : [];
    dates.forEach((date, i) => {
      if (typeof date !== 'string') return;
      const path = `calendar.overrides.${year}.${list}[${i}]`;
      if (!date.startsWith(`${year}-`)) issues.push({ path, message: `${date} is not in ${year}` });
      if (list === 'workdays' && holidays.has(date)) issues.push({ path, message: `${date} is also listed as a holiday` });
    });
  }
  return issues;
}
