/**
 * How the admin API answers when it cannot do what was asked: `{ code, message: { zh, en } }`, the same
 * codes the bot's texts are keyed by (`error.<code>` in src/i18n), with a status a client can branch on.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ZodError } from 'zod';
import { DomainError, type DomainErrorParams } from '../../domain/errors.ts';
import { both, isMessageKey, interpolate, type Text } from '../../i18n/index.ts';

/**
 * Texts of the codes only the admin API uses. Kept here rather than in src/i18n so this module stays
 * self-contained; they move there if the bot ever needs them.
 */
const ADMIN_TEXTS: Record<string, Text> = {
  'auth.unauthenticated': { zh: '需要有效的访问令牌。', en: 'A valid access token is required.' },
  'auth.forbidden': { zh: '您的角色无权使用此接口。', en: 'Your role may not use this endpoint.' },
  'request.invalid': { zh: '请求内容不正确，请检查后重试。', en: 'The request is not valid; please check it and try again.' },
  'not-found': { zh: '没有找到请求的内容。', en: 'Nothing was found there.' },
  'apikey.not-found': { zh: '没有这个访问密钥。', en: 'There is no such API key.' },
  'apikey.no-official': {
    zh: '该密钥未绑定工作人员，不能办理事项。',
    en: 'This key is not bound to an official, so it cannot act on cases.',
  },
  'apikey.official': {
    zh: '绑定的工作人员 {official} 不存在、已停用，或不具备 {role} 角色。',
    en: 'The bound official {official} does not exist, is inactive, or lacks the {role} role.',
  },
  'apikey.binding.auditor': { zh: '审计密钥只读，不绑定工作人员。', en: 'An auditor key only reads: it is not bound to an official.' },
  'apikey.binding.required': { zh: '{role} 角色的密钥必须绑定一名工作人员。', en: 'A {role} key must be bound to an official.' },
  'apikey.binding.official': {
    zh: '工作人员 {official} 不存在、已停用，或不具备 {role} 角色。',
    en: 'Official {official} does not exist, is inactive, or lacks the {role} role.',
  },
  'official.not-found': { zh: '没有编号为 {code} 的工作人员。', en: 'There is no official {code}.' },
  'official.exists': { zh: '工作人员 {code} 已存在。', en: 'Official {code} exists already.' },
  'official.unknown': { zh: '没有编号为 {code} 的工作人员。', en: 'There is no official {code}.' },
  'unit.unknown': { zh: '没有编号为 {code} 的单位。', en: 'There is no unit {code}.' },
  'enterprise.not-found': { zh: '没有统一社会信用代码为 {code} 的企业。', en: 'There is no enterprise {code}.' },
  'enterprise.exists': { zh: '企业 {code} 已存在。', en: 'Enterprise {code} exists already.' },
  'link.not-found': { zh: '没有这条联系企业记录。', en: 'There is no such liaison link.' },
  'link.exists': { zh: '这条联系企业记录已存在。', en: 'This liaison link exists already.' },
  'chat-account.taken': {
    zh: '{platform} 账号 {userId} 已被他人使用。',
    en: 'The {platform} account {userId} belongs to someone else.',
  },
};

/** Both languages of an error code; an unknown code still says something true. */
export function errorText(code: string, params: DomainErrorParams = {}): Text {
  const key = `error.${code}`;
  if (isMessageKey(key)) return both(key, params);
  const admin = ADMIN_TEXTS[code];
  if (admin) return { zh: interpolate(admin.zh, params, 'zh-CN'), en: interpolate(admin.en, params, 'en') };
  return { zh: `请求无法完成（${code}）。`, en: `The request cannot be completed (${code}).` };
}

const CONFLICTS = new Set(['ticket.illegal-transition', 'ticket.transfer-limit', 'ticket.extension-pending', 'ticket.no-extension-pending', 'ticket.conflict']);

/** The HTTP status of a domain error code: the code's last word decides, then a few named ones. */
export function statusOf(code: string): number {
  if (code === 'not-found' || code.endsWith('.not-found')) return 404;
  if (code.endsWith('forbidden') || code === 'apikey.no-official' || code === 'apikey.official') return 403;
  if (CONFLICTS.has(code) || code.endsWith('.exists') || code.endsWith('.taken')) return 409;
  // The server lacks configuration (DATA_KEY): the request was fine, the service cannot serve it now.
  if (code.startsWith('config.')) return 503;
  return 422;
}

/** Sends an error body with its status. */
export function sendError(reply: FastifyReply, status: number, code: string, params?: DomainErrorParams, extra: object = {}): FastifyReply {
  return reply.code(status).send({ code, message: errorText(code, params), ...extra });
}

/**
 * The admin scope's error handler: zod issues are 400, domain errors their status, Fastify's own client
 * errors (a bad JSON body) 400, anything else 500 with nothing internal in the body.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ZodError) return sendError(reply, 400, 'request.invalid', {}, { issues: error.issues });
    if (error instanceof DomainError) return sendError(reply, statusOf(error.code), error.code, error.params);
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendError(reply, status, 'request.invalid', {}, { detail: error.message });
    request.log.error({ err: error, route: request.routeOptions.url }, 'admin API request failed');
    return reply.code(500).send({ code: 'internal', message: both('error.internal') });
  });
}
