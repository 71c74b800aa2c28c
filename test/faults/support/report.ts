/** A fault test's section: printed on every run, written to docs/RELIABILITY.md when recording. */
import { recordSection } from './record.ts';

export function reportSection(name: string, body: string, env: Record<string, string | number> = {}): void {
  process.stderr.write(`\n${body}\n\n`);
  const vars = Object.entries(env).map(([key, value]) => `${key}=${value} `).join('');
  recordSection(name, body, `${vars}RECORD_RELIABILITY=1 npx vitest run --config vitest.faults.config.ts test/faults/${name}.test.ts`);
}
