/** A fault test's section: printed on every run, written to docs/RELIABILITY.md when recording. */
import { recordSection } from './record.ts';

export function reportSection(name: string, body: string): void {
  process.stderr.write(`\n${body}\n\n`);
  recordSection(name, body);
}
