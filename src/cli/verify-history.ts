import type { Env } from '../config/env.ts';
import { createLogger } from '../shared/logger.ts';
import { openContext } from '../runtime/app.ts';
import { verifyTicketHistory } from '../services/tickets/verify-history.ts';

const PROBLEMS = {
  missing: 'is missing',
  link: 'does not follow the event before it (removed, inserted or reordered)',
  hash: 'was altered after it was written',
  head: 'does not match the head the ticket records',
} as const;

/** `qinqing verify-history TICKET`: 0 when the chain is intact, 1 when broken. */
export async function runVerifyHistory(env: Env, ref: string, out: NodeJS.WritableStream): Promise<number> {
  const app = await openContext(env, createLogger({ level: 'silent' }));
  try {
    const check = await verifyTicketHistory(app, ref);
    if (check.ok) {
      out.write(`${check.number}: ${check.events} events, chain intact\n`);
      return 0;
    }
    out.write(`${check.number}: history broken at event ${check.seq}: it ${PROBLEMS[check.problem]}\n`);
    return 1;
  } finally {
    await app.close();
  }
}
