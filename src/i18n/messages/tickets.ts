import type { Text } from '../index.ts';

/** Notices about tickets, rendered in the recipient's language when sent. */
export const ticketMessages = {
  'ticket.status.submitted': { zh: '已提交', en: 'submitted' },
  'ticket.status.assigned': { zh: '已分派', en: 'assigned' },
  'ticket.status.accepted': { zh: '办理中', en: 'in progress' },
  'ticket.status.resolved': { zh: '已办结待评价', en: 'resolved, awaiting rating' },
  'ticket.status.reopened': { zh: '整改中', en: 'under rectification' },
  'ticket.status.closed': { zh: '已关闭', en: 'closed' },

  'notice.assigned': {
    zh: '【新事项】{number}\n类别：{category}\n企业：{enterprise}\n内容：{text}\n响应时限：{respondBy}\n办结时限：{resolveBy}',
    en: '[New case] {number}\nCategory: {category}\nEnterprise: {enterprise}\nText: {text}\nRespond by: {respondBy}\nResolve by: {resolveBy}',
  },
  'notice.enterprise.assigned': {
    zh: '您的事项 {number} 已交由{unit}的 {officer} 办理，办结时限 {resolveBy}。',
    en: 'Your case {number} is with {officer} of {unit}; to be resolved by {resolveBy}.',
  },
  'notice.enterprise.accepted': { zh: '您的事项 {number} 已由 {officer} 受理，正在办理。', en: 'Your case {number} was accepted by {officer} and is in progress.' },
  'notice.enterprise.progress': { zh: '事项 {number} 办理进展：{note}', en: 'Progress on case {number}: {note}' },
  'notice.enterprise.transferred': {
    zh: '您的事项 {number} 已转交{unit}办理（原因：{reason}）。',
    en: 'Your case {number} was passed to {unit} (reason: {reason}).',
  },
  'notice.enterprise.extended': {
    zh: '您的事项 {number} 经批准延期，新的办结时限为 {resolveBy}（原因：{reason}）。',
    en: 'Your case {number} was granted more time; it is now due {resolveBy} (reason: {reason}).',
  },
  'notice.enterprise.resolved': {
    zh: '您的事项 {number} 已办结。\n办理结果：{result}\n请对办理情况进行评价（{rateBy} 前）：',
    en: 'Your case {number} is resolved.\nResult: {result}\nPlease rate how it was handled (by {rateBy}):',
  },
  'notice.enterprise.reopened': {
    zh: '已收到您的评价。事项 {number} 将由{unit}负责人督促整改，整改时限 {rectifyBy}，完成后我们会再次回访。',
    en: 'Thank you. {unit}’s supervisor will have case {number} put right by {rectifyBy}; we will ask you again afterwards.',
  },
  'notice.enterprise.closed': { zh: '感谢您的评价，事项 {number} 已关闭。', en: 'Thank you for rating; case {number} is closed.' },
  'notice.enterprise.unfounded': {
    zh: '您反映的事项 {number} 经核查未发现问题，已办结。结论：{reason}',
    en: 'Case {number} was looked into and the report was not borne out. Conclusion: {reason}',
  },
  'notice.transferred-in': { zh: '事项 {number} 转交给您办理（原因：{reason}）。', en: 'Case {number} was passed to you (reason: {reason}).' },
  'notice.bounced-to-supervisor': {
    zh: '【推诿预警】事项 {number} 已被转办 {transfers} 次，现由您直接协调办理。最近一次转办原因：{reason}',
    en: '[Bounced] Case {number} was transferred {transfers} times and now comes to you to coordinate. Last reason: {reason}',
  },
  'notice.extension-requested': {
    zh: '【延期申请】{officer} 申请将事项 {number} 延期 {days} 个工作日。理由：{reason}',
    en: '[Extension] {officer} asks for {days} more working days on case {number}. Reason: {reason}',
  },
  'notice.extension-approved': { zh: '事项 {number} 的延期申请已批准，新时限 {resolveBy}。', en: 'Your extension on case {number} was approved; now due {resolveBy}.' },
  'notice.extension-refused': { zh: '事项 {number} 的延期申请未获批准：{reason}', en: 'Your extension on case {number} was refused: {reason}' },
  'notice.reminder': {
    zh: '【到期提醒】事项 {number} 的{deadline}将于 {due} 到期，请抓紧办理。',
    en: '[Reminder] Case {number}: the {deadline} deadline is {due}. Please act soon.',
  },
  'notice.escalated': {
    zh: '【督办】事项 {number}（{unit}，承办人 {officer}）{deadline}已超期（时限 {due}），请督促办理。',
    en: '[Overdue] Case {number} ({unit}, with {officer}) missed its {deadline} deadline ({due}). Please follow up.',
  },
  'notice.overdue-officer': {
    zh: '【超期】事项 {number} 的{deadline}已超期（时限 {due}），已报告上级督办。',
    en: '[Overdue] Case {number} missed its {deadline} deadline ({due}); your superiors have been told.',
  },
  'notice.rectify': {
    zh: '【整改】企业对事项 {number} 的办理结果评价为“{rating}”，请组织整改，时限 {rectifyBy}。企业意见：{comment}',
    en: '[Rectify] The enterprise rated case {number} “{rating}”. Please put it right by {rectifyBy}. Comment: {comment}',
  },
  'notice.follow-up-bad': {
    zh: '【回访不满意】事项 {number} 整改后回访仍为“{rating}”，请关注。',
    en: '[Still dissatisfied] After rectification, case {number} was rated “{rating}” again.',
  },
  'notice.gift-declared': {
    zh: '【廉政提醒】{officer} 在走访 {enterprise} 时申报收受了礼品或宴请：{detail}',
    en: '[Integrity] {officer} declared accepting gifts or hospitality when visiting {enterprise}: {detail}',
  },
  'deadline.respond': { zh: '响应时限', en: 'response' },
  'deadline.resolve': { zh: '办结时限', en: 'resolution' },
  'deadline.rectify': { zh: '整改时限', en: 'rectification' },
  'deadline.rating': { zh: '评价期限', en: 'rating' },
  'button.accept': { zh: '受理', en: 'Accept' },
  'button.progress': { zh: '进展', en: 'Progress' },
  'button.transfer': { zh: '转办', en: 'Transfer' },
  'button.extend': { zh: '延期', en: 'More time' },
  'button.resolve': { zh: '办结', en: 'Resolve' },
  'button.approve': { zh: '批准', en: 'Approve' },
  'button.refuse': { zh: '不批准', en: 'Refuse' },
} satisfies Record<string, Text>;
