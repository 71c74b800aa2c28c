/**
 * Routes a message: a button press, a command, the next step of the sender's flow, or — with nothing
 * active — the natural next thing for who they are (register, submit, or their task list).
 */
import { acceptTicket, approveExtension, officerActionOf, statusReplies, tasksReplies, type FlowDeps, type OfficerAction } from '../flows/index.ts';
import { staleButton, type FlowInput, type Reply } from '../flows/engine/index.ts';
import { t } from '../src/i18n/index.ts';
import { setLanguage } from '../src/services/identity.ts';
import { decideJoin } from '../src/services/registration.ts';
import { respondServiceDay } from '../src/services/service-days.ts';
import type { MessageContext, Middleware } from './context.ts';
import { parseCommand, type Command } from './commands.ts';
import { overdueReplies, reportReplies } from '../flows/supervision.ts';

function depsOf(ctx: MessageContext): FlowDeps {
  const { message } = ctx;
  return {
    lang: ctx.lang,
    sender: { platform: message.platform, senderId: message.senderId, chatId: message.chatId, ...(message.senderName ? { name: message.senderName } : {}) },
    identity: ctx.identity,
    app: ctx.services.app,
  };
}

function sessionKey(ctx: MessageContext) {
  return { platform: ctx.message.platform, senderId: ctx.message.senderId };
}

function turn(ctx: MessageContext) {
  const deps = depsOf(ctx);
  return { lang: ctx.lang, depsFor: () => deps };
}

async function begin(ctx: MessageContext, flow: string, args: Record<string, string> = {}): Promise<void> {
  for (const reply of await ctx.services.runner.begin(sessionKey(ctx), flow, turn(ctx), args)) ctx.reply(reply);
}

function replyAll(ctx: MessageContext, replies: Reply[]): void {
  for (const reply of replies) ctx.reply(reply);
}

/** An official's ticket action, from a button or typed as "办结 RF-2026-000001". */
async function runOfficerAction(ctx: MessageContext, officer: OfficerAction): Promise<void> {
  const deps = depsOf(ctx);
  if (officer.kind === 'accept') return replyAll(ctx, await acceptTicket(deps, officer.number));
  if (officer.kind === 'approve') return replyAll(ctx, await approveExtension(deps, officer.number));
  return begin(ctx, officer.flow, { number: officer.number });
}

/** Buttons the router owns: officers' ticket actions, rating levels, join decisions. */
async function routeButton(ctx: MessageContext, action: string): Promise<boolean> {
  const officer = officerActionOf({ action, text: '' });
  if (officer) {
    await runOfficerAction(ctx, officer);
    return true;
  }
  const rating = /^r:([a-z-]+):(.+)$/.exec(action);
  if (rating) {
    await begin(ctx, 'rate', { level: rating[1] ?? '', number: rating[2] ?? '' });
    return true;
  }
  const join = /^j:(yes|no):([0-9a-f]{24})$/.exec(action);
  if (join) {
    const decision = await decideJoin(ctx.services.app, ctx.identity, join[2] ?? '', join[1] === 'yes');
    if (decision.decision === 'refused' && decision.farewell) {
      await ctx.services.send(decision.farewell.platform, decision.farewell.chatId, decision.farewell.message);
    }
    ctx.reply(t(ctx.lang, 'bot.join-decided'));
    return true;
  }
  const serviceDay = /^sd:(yes|no):(.+)$/.exec(action);
  if (serviceDay) {
    const answer = await respondServiceDay(ctx.services.app, ctx.identity, serviceDay[2] ?? '', serviceDay[1] === 'yes');
    ctx.reply(t(ctx.lang, answer.attending ? 'service-day.signed-up' : 'service-day.declined', answer.event));
    return true;
  }
  return false;
}

async function runCommand(ctx: MessageContext, command: Command, args: string): Promise<void> {
  const deps = depsOf(ctx);
  const kind = ctx.identity.kind;
  switch (command) {
    case 'start':
    case 'help':
      if (kind === 'unknown') return begin(ctx, 'register');
      return ctx.reply(t(ctx.lang, kind === 'official' ? 'bot.help.official' : 'bot.help.contact'));
    case 'new':
      if (kind === 'unknown') return begin(ctx, 'register');
      if (kind === 'official') return ctx.reply(t(ctx.lang, 'bot.official-no-submit'));
      return begin(ctx, 'submit', args ? { text: args } : {});
    case 'status':
      return replyAll(ctx, await statusReplies(deps, args));
    case 'rate':
      return begin(ctx, 'rate', args ? { number: args } : {});
    case 'tasks':
      if (kind !== 'official') return ctx.reply(t(ctx.lang, 'bot.officials-only'));
      return replyAll(ctx, await tasksReplies(deps));
    case 'visit':
      if (kind !== 'official') return ctx.reply(t(ctx.lang, 'bot.officials-only'));
      return begin(ctx, 'visit-log');
    case 'overdue':
      return replyAll(ctx, await overdueReplies(deps));
    case 'report':
      return replyAll(ctx, await reportReplies(deps));
    case 'lang': {
      const lang = args.toLowerCase().startsWith('en') ? 'en' : args ? 'zh-CN' : ctx.lang === 'en' ? 'zh-CN' : 'en';
      await setLanguage(ctx.services.app, ctx.message.platform, ctx.message.senderId, lang);
      ctx.lang = lang;
      return ctx.reply(t(lang, 'bot.lang-set'));
    }
    case 'cancel':
      return ctx.reply(t(ctx.lang, 'bot.nothing-to-cancel'));
  }
}

/** With nothing active, what a plain message means for who wrote it. */
async function fallback(ctx: MessageContext, input: FlowInput): Promise<void> {
  const identity = ctx.identity;
  // The registration flow greets a newcomer itself (one greeting, then the first question).
  if (identity.kind === 'unknown') return begin(ctx, 'register');
  if (identity.kind === 'official') {
    const typed = officerActionOf({ text: input.text });
    if (typed) return runOfficerAction(ctx, typed);
    return ctx.reply(t(ctx.lang, 'bot.help.official'));
  }
  if (identity.status === 'pending') return ctx.reply(t(ctx.lang, 'bot.pending-approval', { enterprise: identity.enterprise.name }));
  return begin(ctx, 'submit', input.text ? { text: input.text } : {});
}

export const route: Middleware = async (ctx) => {
  const { message } = ctx;
  const input: FlowInput = { text: message.text, attachments: message.attachments, ...(message.callback ? { action: message.callback.data } : {}) };
  const command = message.callback ? undefined : parseCommand(message.text);

  if (message.callback && (await routeButton(ctx, message.callback.data))) return;
  // Cancel and commands other than /cancel leave an active flow; /cancel itself is the flow's to handle.
  if (command && command.command !== 'cancel') return runCommand(ctx, command.command, command.args);

  const result = await ctx.services.runner.handle(sessionKey(ctx), command ? { ...input, text: '/cancel' } : input, turn(ctx));
  if (result.handled) return replyAll(ctx, result.replies);
  if (command) return runCommand(ctx, command.command, command.args);
  if (message.callback) return ctx.reply(staleButton(ctx.lang));
  return fallback(ctx, input);
};
