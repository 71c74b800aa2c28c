/**
 * Commands: Telegram's `/command args`, and on WeChat (no command menu) the same words in Chinese or
 * English typed on their own.
 */
import { normalizeText } from '../flows/engine/index.ts';

export const COMMANDS = ['start', 'help', 'new', 'status', 'rate', 'cancel', 'lang', 'tasks', 'overdue', 'report', 'visit'] as const;
export type Command = (typeof COMMANDS)[number];

const WORDS: Record<string, Command> = {
  帮助: 'help',
  菜单: 'help',
  help: 'help',
  新建: 'new',
  提交: 'new',
  我要反映: 'new',
  查询: 'status',
  进度: 'status',
  状态: 'status',
  评价: 'rate',
  english: 'lang',
  中文: 'lang',
  待办: 'tasks',
  任务: 'tasks',
  超期: 'overdue',
  督办: 'overdue',
  报表: 'report',
  走访: 'visit',
};

/** The command a text stands for, with its argument; undefined for ordinary text. */
export function parseCommand(text: string): { command: Command; args: string } | undefined {
  const normalized = normalizeText(text);
  const slash = /^\/([a-z]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(normalized);
  if (slash) {
    const name = (slash[1] ?? '').toLowerCase();
    const command = COMMANDS.find((c) => c === name);
    return command ? { command, args: (slash[2] ?? '').trim() } : undefined;
  }
  const [word = '', ...rest] = normalized.split(/\s+/);
  const command = Object.hasOwn(WORDS, word.toLowerCase()) ? WORDS[word.toLowerCase()] : undefined;
  if (!command) return undefined;
  // "english" / "中文" name the language they switch to.
  const args = command === 'lang' ? (word.toLowerCase() === 'english' ? 'en' : 'zh') : rest.join(' ');
  return { command, args };
}
