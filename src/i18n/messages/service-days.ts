import type { Text } from '../index.ts';

/** 企业服务日 / 企业家恳谈日 / 座谈会: the announcement, the answers to a sign-up, and the refusals. */
export const serviceDayMessages = {
  'service-day.kind.service-day': { zh: '企业服务日', en: 'Enterprise Service Day' },
  'service-day.kind.entrepreneur-day': { zh: '企业家恳谈日', en: 'Entrepreneurs’ Dialogue Day' },
  'service-day.kind.symposium': { zh: '座谈会', en: 'Symposium' },
  'service-day.notice.announce': {
    zh: '【{kind}】诚邀贵企业参加“{title}”。\n时间：{when}\n地点：{place}\n请选择是否报名参加。',
    en: '[{kind}] Your enterprise is invited to “{title}”.\nWhen: {when}\nWhere: {place}\nPlease tell us whether you will attend.',
  },
  'service-day.button.yes': { zh: '报名', en: 'Sign up' },
  'service-day.button.no': { zh: '不参加', en: 'Not attending' },
  'service-day.signed-up': {
    zh: '感谢报名！您已报名参加“{title}”（{when}，{place}），期待您的到来。',
    en: 'Thank you for signing up for “{title}” ({when}, {place}). We look forward to seeing you.',
  },
  'service-day.declined': {
    zh: '已记录：您不参加“{title}”。如改变主意，活动开始前可再次点击“报名”。',
    en: 'Noted: you will not attend “{title}”. If you change your mind, tap “Sign up” before it starts.',
  },
  'error.service-day.closed': { zh: '抱歉，“{title}”已开始，报名已截止。', en: 'Sorry, “{title}” has started; sign-up is closed.' },
  'error.service-day.not-found': { zh: '抱歉，没有找到这项活动。', en: 'Sorry, that event could not be found.' },
  'error.service-day.forbidden': {
    zh: '抱歉，这项活动仅限受邀企业的联系人报名。',
    en: 'Sorry, only contacts of the invited enterprises can sign up for this event.',
  },
  'error.service-day.past': { zh: '活动开始时间应晚于现在。', en: 'The event must start in the future.' },
  'error.service-day.kind': { zh: '活动类型应为企业服务日、企业家恳谈日或座谈会。', en: 'The kind must be a service day, an entrepreneurs’ day or a symposium.' },
} satisfies Record<string, Text>;
