import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout (or installed package) root: where config/ and scripts/ live. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the embedded default keeps its run folder and data: QINQING_HOME, else the project root. */
export function qinqingHome(env: { QINQING_HOME?: string | undefined }): string {
  return env.QINQING_HOME ? resolve(env.QINQING_HOME) : projectRoot;
}
