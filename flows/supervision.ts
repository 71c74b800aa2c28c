/**
 * Supervisors' commands in chat: `/overdue` lists what is late in their unit (the whole department for
 * the leadership), `/report` sends the weekly chart as an image.
 */
import { t } from '../src/i18n/index.ts';
import { overdueTickets, renderWeeklyChart } from '../src/services/reports/index.ts';
import { formatShanghai } from '../src/shared/format.ts';
import type { FlowDeps } from './deps.ts';
import type { Reply } from './engine/index.ts';

const LIST_LINES = 20;

/** Which unit the official supervises; undefined means all (leadership), null means not a supervisor. */
function scopeOf(deps: FlowDeps): string | undefined | null {
  if (deps.identity.kind !== 'official') return null;
  const { roles, unit } = deps.identity.official;
  if (roles.includes('leadership')) return undefined;
  return roles.includes('supervisor') ? unit : null;
}

export async function overdueReplies(deps: FlowDeps): Promise<Reply[]> {
  const unit = scopeOf(deps);
  if (unit === null) return [{ text: t(deps.lang, 'bot.supervisors-only') }];
  const items = await overdueTickets(deps.app, unit ? { unit } : {});
  if (items.length === 0) return [{ text: t(deps.lang, 'bot.overdue.none') }];
  const lines = items.slice(0, LIST_LINES).map((item) =>
    t(deps.lang, 'bot.overdue.line', {
      number: item.number,
      unit: item.unitName,
      officer: item.assigneeName ?? '—',
      due: formatShanghai(item.due.at),
      days: item.workingDaysLate,
      level: item.escalationLevel,
    }),
  );
  const more = items.length > LIST_LINES ? [t(deps.lang, 'bot.overdue.more', { count: items.length - LIST_LINES })] : [];
  return [{ text: [t(deps.lang, 'bot.overdue.title', { count: items.length }), ...lines, ...more].join('\n') }];
}

export async function reportReplies(deps: FlowDeps): Promise<Reply[]> {
  const unit = scopeOf(deps);
  if (unit === null) return [{ text: t(deps.lang, 'bot.supervisors-only') }];
  const image = await renderWeeklyChart(deps.app, unit ? { unit } : {});
  return [{ text: t(deps.lang, 'bot.report.caption'), image: { png: image.png } }];
}
