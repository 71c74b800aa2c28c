import { SHANGHAI_OFFSET_MS } from '../domain/working-days.ts';

/** `2026-03-02 18:00` in Asia/Shanghai (UTC+8, no daylight saving), for texts people read. */
export function formatShanghai(date: Date): string {
  const local = new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** Shortens a text for a notice, on a character (not UTF-16 unit) boundary. */
export function excerpt(text: string, max = 200): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
