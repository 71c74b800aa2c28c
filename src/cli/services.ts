import type { Env } from '../config/env.ts';
import { localServersStatus, startLocalServers, stopLocalServers } from '../../scripts/local-servers.ts';
import { qinqingHome } from '../runtime/paths.ts';

/** `qinqing services start|stop|status`: the embedded default's local servers. */
export async function runServices(env: Env, action: string, out: NodeJS.WritableStream): Promise<number> {
  const home = qinqingHome(env);
  switch (action) {
    case 'start': {
      const { redis, ferretdb } = await startLocalServers({ home, persist: true });
      out.write(`redis    ${redis.url} (pid ${redis.pid}, log ${redis.logFile})\n`);
      out.write(`ferretdb ${ferretdb.url} (pid ${ferretdb.pid}, log ${ferretdb.logFile})\n`);
      return 0;
    }
    case 'stop': {
      const stopped = await stopLocalServers(home);
      out.write(stopped.length > 0 ? `stopped ${stopped.join(', ')}\n` : 'nothing was running\n');
      return 0;
    }
    case 'status': {
      const status = await localServersStatus(home);
      for (const s of status) {
        const what = s.state ? `${s.state.url} pid ${s.state.pid} ${s.answering ? 'answering' : 'NOT answering'}` : 'not running';
        out.write(`${s.name.padEnd(8)} ${what}\n`);
      }
      return status.every((s) => s.answering) ? 0 : 3;
    }
    default:
      out.write(`unknown action "${action}": use start, stop or status\n`);
      return 2;
  }
}
