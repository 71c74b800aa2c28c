import { z } from 'zod';
import { checkCreditCode } from '../domain/credit-code.ts';
import { OFFICIAL_LEVELS, OFFICIAL_ROLES, OWNERSHIPS, SIZES } from '../db/models/index.ts';

const code = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64)');
const localizedName = z.object({ zh: z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(200) });
const platformId = z.coerce.string().trim().min(1).max(128);

const creditCode = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const result = checkCreditCode(value);
    if (result.ok) return result.code;
    ctx.addIssue({ code: 'custom', message: `not a valid unified social credit code (${result.problem})` });
    return z.NEVER;
  });

export const unitRowSchema = z.strictObject({
  code,
  name: localizedName,
  kind: z.enum(['department', 'discipline', 'leadership']).default('department'),
});

export const officialRowSchema = z.strictObject({
  code,
  name: z.string().trim().min(1).max(100),
  unit: code,
  roles: z.array(z.enum(OFFICIAL_ROLES)).min(1).default(['officer']),
  level: z.enum(OFFICIAL_LEVELS).default('province'),
  active: z.boolean().default(true),
  telegram: platformId.optional(),
  wechat: platformId.optional(),
});

export const enterpriseRowSchema = z.strictObject({
  creditCode,
  name: z.string().trim().min(1).max(200),
  ownership: z.enum(OWNERSHIPS),
  size: z.enum(SIZES),
  region: z.string().trim().min(1).max(100),
  chiefOfficer: code.optional(),
});

export const linkRowSchema = z.strictObject({ official: code, enterprise: creditCode });

export const directoryFileSchema = z.strictObject({
  units: z.array(unitRowSchema).default([]),
  officials: z.array(officialRowSchema).default([]),
  enterprises: z.array(enterpriseRowSchema).default([]),
  links: z.array(linkRowSchema).default([]),
});

export type DirectoryFile = z.infer<typeof directoryFileSchema>;
