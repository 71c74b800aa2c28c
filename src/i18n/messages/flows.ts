import type { Text } from '../index.ts';

/** Texts of the conversations (flows/). The `flow.*` keys are what the flow engine itself says. */
export const flowMessages = {
  'flow.cancelled': { zh: '已取消。需要时发送 /new 重新开始。', en: 'Cancelled. Send /new whenever you want to start again.' },
  'flow.replaced': { zh: '之前未完成的「{flow}」已退出。', en: 'You have left the unfinished "{flow}".' },
  'flow.outdated': {
    zh: '抱歉，这项办理流程刚刚更新，之前填写的内容无法继续使用，请重新开始。',
    en: 'Sorry, this process has just been updated and your earlier answers can no longer be used. Please start again.',
  },
  'flow.stale-button': { zh: '这个按钮已过期，请按最新一条消息的提示操作。', en: 'This button has expired. Please follow the latest message.' },
  'flow.hint-prefix': { zh: '这条消息无法识别。', en: 'I could not read that message.' },
  'flow.conflict': {
    zh: '您的几条消息同时到达，这一条未能处理，请再发送一次。',
    en: 'Several of your messages arrived at once and this one was not processed. Please send it again.',
  },
} satisfies Record<string, Text>;
