import type { Text } from '../index.ts';

/** What the bot says outside any flow: welcome, help, commands. */
export const handlerMessages = {
  'bot.help.contact': {
    zh: '可用指令：\n/new 提交新事项（也可以直接发文字）\n/status 查看办理进度\n/rate 评价已办结事项\n/lang 切换语言 English\n/cancel 取消当前操作',
    en: 'Commands:\n/new submit a new case (or just type it)\n/status see progress\n/rate rate a resolved case\n/lang switch language 中文\n/cancel leave what you are doing',
  },
  'bot.help.official': {
    zh: '可用指令：\n/tasks 我的待办事项\n/visit 登记走访企业\n/overdue 超期督办（主管）\n/report 本周报表（主管）\n/status 编号 查看事项\n/lang 切换语言 English\n/cancel 取消当前操作\n也可以直接回复“受理/进展/转办/延期/办结 + 编号”。',
    en: 'Commands:\n/tasks my open cases\n/visit log a visit to an enterprise\n/overdue overdue cases (supervisors)\n/report weekly report (supervisors)\n/status NUMBER see a case\n/lang switch language 中文\n/cancel leave what you are doing\nYou can also type "accept/progress/transfer/extend/resolve NUMBER".',
  },
  'bot.pending-approval': {
    zh: '您加入“{enterprise}”的申请正在等待该企业现有联系人确认，确认后即可使用。',
    en: 'Your request to join "{enterprise}" is waiting for its existing contact to confirm; you can start once they do.',
  },
  'bot.official-no-submit': {
    zh: '工作人员账号不能代企业提交事项。发送 /tasks 查看您的待办。',
    en: 'An official account cannot submit cases for enterprises. Send /tasks to see your open cases.',
  },
  'bot.officials-only': { zh: '该功能仅供工作人员使用。', en: 'This is for officials only.' },
  'bot.nothing-to-cancel': { zh: '当前没有进行中的操作。', en: 'There is nothing in progress to cancel.' },
  'bot.lang-set': { zh: '已切换为中文。', en: 'Language set to English.' },
  'bot.flood': {
    zh: '您发送得太快了，接下来一分钟内的消息不会被处理，请稍等一分钟后再发送。',
    en: 'You are sending messages very fast: messages in the next minute will not be handled. Please wait a minute, then send again.',
  },
  'bot.unknown-button': { zh: '这个按钮已失效，请发送 /help 查看可用操作。', en: 'That button is no longer valid; send /help to see what you can do.' },
  'bot.supervisors-only': { zh: '该功能仅供负责督办的工作人员使用。', en: 'This is for supervisors and the leadership only.' },
  'bot.overdue.none': { zh: '目前没有超期事项。', en: 'Nothing is overdue.' },
  'bot.overdue.title': { zh: '超期事项（{count} 件）：', en: 'Overdue cases ({count}):' },
  'bot.overdue.line': {
    zh: '⚠ {number} {unit} 承办人 {officer}，时限 {due}，已超 {days} 个工作日，督办级别 {level}',
    en: '⚠ {number} {unit}, with {officer}, due {due}, {days} working days late, escalation level {level}',
  },
  'bot.overdue.more': { zh: '……另有 {count} 件，请在管理后台查看。', en: '…and {count} more; see the admin API.' },
  'bot.report.caption': { zh: '本周报表：三率趋势与各单位超期事项', en: 'Weekly report: the three rates and overdue cases by unit' },
  'bot.join-decided': { zh: '已处理该加入申请。', en: 'The join request has been handled.' },
} satisfies Record<string, Text>;
