import type { Env } from '../../config/env.ts';
import type { AppContext } from '../../runtime/app.ts';

/**
 * What the admin API needs: the services' context and the bootstrap token. An `AppContext` is one as it
 * is, so the runtime hands over its context unchanged.
 */
export type AdminDeps = Pick<AppContext, 'db' | 'queues' | 'profile' | 'calendar' | 'clock' | 'logger' | 'dataKey' | 'redis'> & {
  env: Pick<Env, 'ADMIN_TOKEN'>;
};
