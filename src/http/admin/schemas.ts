/** Zod schemas several admin resources share: route parameters, paging, flags, the error body. */
import { z } from 'zod';
import { TICKET_STATUSES } from '../../domain/ticket-state.ts';

/** Directory codes, as the import accepts them. */
export const codeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64)');

export const ticketNumberParams = z.strictObject({
  number: z.string().trim().min(1).max(40).describe('the public ticket number, e.g. RF-2026-000001'),
});

export const codeParams = z.strictObject({ code: codeSchema });

/** `true` / `false` in a query string. */
export const queryFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

/** A page of a list. */
export function pageOf<T>(items: T[], page: number, pageSize: number, total: number) {
  return { items, page, pageSize, total };
}

/** A paged response's schema, for the document. */
export function pageSchema(item: z.ZodType) {
  return z.object({ items: z.array(item), page: z.int(), pageSize: z.int(), total: z.int() });
}

/** Every error the admin API answers with. */
export const errorSchema = z.object({
  code: z.string().describe('stable: clients branch on it; texts are keyed by it'),
  message: z.object({ zh: z.string(), en: z.string() }),
  issues: z.array(z.unknown()).optional().describe('zod issues of a 400'),
});

/** A ticket as lists and actions return it (the document shows the main fields; there are more). */
export const ticketItemSchema = z
  .object({ number: z.string(), status: z.enum(TICKET_STATUSES), unit: z.string(), assignee: z.string().nullable(), overdue: z.boolean() })
  .loose();
