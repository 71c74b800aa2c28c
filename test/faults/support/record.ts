/**
 * Where the fault suite's figures go: one section of docs/RELIABILITY.md per test file, replaced when that
 * file runs again with RECORD_RELIABILITY=1. Without it nothing is written, so an ordinary run leaves the
 * working tree alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const RELIABILITY = fileURLToPath(new URL('../../../docs/RELIABILITY.md', import.meta.url));

export const recording = process.env.RECORD_RELIABILITY === '1';

/** A markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The machine line every section starts with. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
}

/**
 * Replaces (or appends) the section `name` of docs/RELIABILITY.md with `body` (markdown, a heading first),
 * followed by the run's date, machine and the command that reproduces it.
 */
export function recordSection(name: string, body: string, command = 'npm run test:faults:record'): void {
  if (!recording) return;
  const start = `<!-- faults:${name} -->`;
  const end = `<!-- /faults:${name} -->`;
  const stamp = `\n\n_Run ${new Date().toISOString()} on ${machine()}; command: \`${command}\`._\n`;
  const block = `${start}\n${body.trimEnd()}${stamp}${end}`;
  const current = existsSync(RELIABILITY) ? readFileSync(RELIABILITY, 'utf8') : '# Reliability\n\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(RELIABILITY, next);
}
