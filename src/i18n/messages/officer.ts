import type { Text } from '../index.ts';

/** Texts of the officer flows and commands (flows/officer-*.ts): what an official reads. */
export const officerMessages = {
  'officer.title.progress': { zh: '填写办理进展', en: 'Progress note' },
  'officer.title.transfer': { zh: '转办', en: 'Transfer' },
  'officer.title.extend': { zh: '申请延期', en: 'More time' },
  'officer.title.resolve': { zh: '办结', en: 'Resolve' },
  'officer.title.refuse': { zh: '不批准延期', en: 'Refuse more time' },

  'officer.only-officials': {
    zh: '抱歉，这项操作仅供工作人员使用。如需反映问题，请发送 /new。',
    en: 'Sorry, this is for officials only. To raise a matter, send /new.',
  },
  'officer.bad-number': {
    zh: '没有看懂事项编号，请按“进展 RF-2026-000001”的格式发送。',
    en: 'I could not read the case number; please send it like "progress RF-2026-000001".',
  },
  'officer.accept-first': { zh: '事项 {number} 还未受理，请先受理。', en: 'Case {number} is not accepted yet; please accept it first.' },
  'officer.words': { zh: '请用文字说明。', en: 'Please write it in words.' },
  'officer.confirm-hint': { zh: '请回复“确认”或“修改”。', en: 'Please reply "confirm" or "edit".' },
  'officer.button.confirm': { zh: '确认', en: 'Confirm' },
  'officer.button.edit': { zh: '修改', en: 'Edit' },

  'officer.progress.ask': {
    zh: '事项 {number}：请写下办理进展（2000 字以内），将转告企业。',
    en: 'Case {number}: please write the progress (up to 2000 characters); the enterprise will be told.',
  },
  'officer.progress.done': { zh: '已记录，并已告知企业。', en: 'Noted, and the enterprise has been told.' },
  'officer.progress.done-sealed': { zh: '已记录，并已告知举报人。', en: 'Noted, and the reporter has been told.' },

  'officer.transfer.ask-unit': { zh: '事项 {number} 转给哪个单位？请选择或回复序号。', en: 'Case {number}: which unit should take it? Choose or reply with its number.' },
  'officer.transfer.bad-unit': { zh: '没有这个单位，请从列表中选择。', en: 'There is no such unit; please choose from the list.' },
  'officer.transfer.ask-reason': { zh: '请写明转办理由（将告知接收单位和企业）。', en: 'Please give the reason (the receiving unit and the enterprise will see it).' },
  'officer.transfer.confirm': { zh: '确认将事项 {number} 转给{unit}？\n理由：{reason}', en: 'Transfer case {number} to {unit}?\nReason: {reason}' },
  'officer.transfer.warn-bounce': {
    zh: '注意：这是第 {transfers} 次转办。按防推诿扯皮规定，将直接交{unit}主管协调，之后不能再转办。',
    en: 'Note: this is transfer no. {transfers}. Under the no-buck-passing rule it goes straight to the supervisor of {unit} and cannot be transferred again.',
  },
  'officer.transfer.done': { zh: '已转交{unit}，由 {officer} 办理。', en: 'Passed to {unit}; {officer} will handle it.' },
  'officer.transfer.done-bounced': {
    zh: '已转交{unit}。该事项已转办 {transfers} 次，按防推诿扯皮规定，由{unit}主管 {officer} 直接协调办理，不能再转办。',
    en: 'Passed to {unit}. The case has been transferred {transfers} times, so under the no-buck-passing rule the supervisor {officer} coordinates it and it cannot be transferred again.',
  },
  'officer.transfer.limit': {
    zh: '按防推诿扯皮规定，一件事项最多转办 {max} 次。事项 {number} 已转办 {transfers} 次，不能再转，请直接办理或请主管协调。',
    en: 'Under the no-buck-passing rule a case may be transferred at most {max} times. Case {number} has been transferred {transfers} times; please handle it or ask your supervisor to coordinate.',
  },
  'officer.transfer.discipline': { zh: '举报线索只由纪检监察组办理，不能转办。', en: 'Misconduct reports stay with discipline inspection and cannot be transferred.' },

  'officer.extend.ask-days': { zh: '事项 {number} 需要延长几个工作日？请回复 1–{max} 的数字。', en: 'Case {number}: how many more working days? Reply 1–{max}.' },
  'officer.extend.bad-days': { zh: '请回复 1–{max} 之间的天数，例如“5”或“五”。', en: 'Please reply a number of days from 1 to {max}, e.g. "5".' },
  'officer.extend.ask-reason': { zh: '请写明延期理由（将报主管审批）。', en: 'Please give the reason (your supervisor will decide).' },
  'officer.extend.done': { zh: '已提交主管审批：延期 {days} 个工作日。结果会通知您。', en: 'Sent to your supervisor: {days} more working days. You will be told the decision.' },

  'officer.resolve.ask-outcome': { zh: '事项 {number} 是举报线索。核查结论是？', en: 'Case {number} is a misconduct report. What did the inquiry find?' },
  'officer.resolve.substantiated': { zh: '属实', en: 'Substantiated' },
  'officer.resolve.unfounded': { zh: '不属实（澄清正名）', en: 'Unfounded (clear the official)' },
  'officer.resolve.bad-outcome': { zh: '请选择“属实”或“不属实”。', en: 'Please choose "substantiated" or "unfounded".' },
  'officer.resolve.ask-result': { zh: '请写下事项 {number} 的办理结果，将发给企业并请其评价。', en: 'Please write the result of case {number}; the enterprise will receive it and rate it.' },
  'officer.resolve.ask-conclusion': {
    zh: '请写下事项 {number} 的核查结论。不属实的，结论将作为澄清正名的记录。',
    en: 'Please write the conclusion on case {number}. If unfounded, it is the record that clears the official.',
  },
  'officer.resolve.empty': { zh: '办结须写明办理结果，请用文字说明。', en: 'A result is required; please write it in words.' },
  'officer.resolve.confirm': { zh: '确认办结事项 {number}？办理结果：\n{result}', en: 'Resolve case {number} with this result?\n{result}' },
  'officer.resolve.confirm-substantiated': { zh: '确认以“举报属实”办结事项 {number}？结论：\n{result}', en: 'Close case {number} as substantiated?\n{result}' },
  'officer.resolve.confirm-unfounded': { zh: '确认以“举报不实”办结事项 {number}？结论：\n{result}', en: 'Close case {number} as unfounded?\n{result}' },
  'officer.resolve.done': { zh: '事项 {number} 已办结，结果已发给企业，等待评价。', en: 'Case {number} is resolved; the enterprise has the result and will rate it.' },
  'officer.resolve.done-substantiated': { zh: '事项 {number} 已按“举报属实”办结，已告知举报人。', en: 'Case {number} is closed as substantiated; the reporter has been told.' },
  'officer.resolve.done-unfounded': { zh: '事项 {number} 已按“举报不实”办结，澄清正名结论已记录在案。', en: 'Case {number} is closed as unfounded; the clearing is on record.' },

  'officer.refuse.ask-reason': {
    zh: '不批准事项 {number} 的延期申请（{days} 个工作日，理由：{reason}）。请写明不批准的理由，将告知申请人。',
    en: 'Refusing the extension on case {number} ({days} working days; reason: {reason}). Please give your reason; the requester will see it.',
  },
  'officer.refuse.done': { zh: '已不批准，并已告知申请人。', en: 'Refused; the requester has been told.' },

  'officer.accept.done': { zh: '已受理事项 {number}，请在 {resolveBy} 前办结。', en: 'Case {number} accepted; please resolve it by {resolveBy}.' },
  'officer.approve.done': {
    zh: '已批准延期。事项 {number} 新的办结时限为 {resolveBy}，已通知承办人和企业。',
    en: 'Approved. Case {number} is now due {resolveBy}; the officer and the enterprise have been told.',
  },

  'officer.tasks.none': { zh: '您目前没有待办事项。', en: 'You have no open cases.' },
  'officer.tasks.title': { zh: '您的待办事项（{count} 件，按时限先后）：', en: 'Your open cases ({count}, nearest deadline first):' },
  'officer.tasks.line': { zh: '{index}. {number}｜{category}｜{enterprise}｜{status}｜{deadline} {due}{flag}', en: '{index}. {number} | {category} | {enterprise} | {status} | {deadline} by {due}{flag}' },
  'officer.tasks.overdue': { zh: ' ⚠ 已超期', en: ' ⚠ overdue' },
  'officer.tasks.more': { zh: '……另有 {count} 件未列出。', en: '… and {count} more.' },
  'officer.tasks.sealed': { zh: '举报（身份保密）', en: 'Report (identity sealed)' },
  'officer.tasks.actions': { zh: '{number}（{category}）：', en: '{number} ({category}):' },
  'officer.tasks.unit-overdue': { zh: '本单位超期事项（{count} 件）：', en: 'Overdue cases of your unit ({count}):' },
  'officer.tasks.unit-line': { zh: '{index}. {number}｜{officer}｜{deadline} {due} ⚠', en: '{index}. {number} | {officer} | {deadline} by {due} ⚠' },
  'officer.tasks.extensions': { zh: '待您审批的延期申请（{count} 件）：', en: 'Extension requests for you to decide ({count}):' },
  'officer.tasks.extension': {
    zh: '{number}：{officer} 申请延期 {days} 个工作日。理由：{reason}',
    en: '{number}: {officer} asks for {days} more working days. Reason: {reason}',
  },
} satisfies Record<string, Text>;
