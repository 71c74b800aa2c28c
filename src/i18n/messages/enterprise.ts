import type { Text } from '../index.ts';

/** Texts of the enterprise flows: submitting (`submit.*`), rating (`rate.*`) and looking up (`status.*`). */
export const enterpriseMessages = {
  // --- Who may submit ---------------------------------------------------------------------------------
  'submit.title': { zh: '提交事项', en: 'Submit a case' },
  'submit.need-registration': {
    zh: '提交事项前，请先登记为企业联系人。',
    en: 'Please register as a contact of your enterprise before submitting a case.',
  },
  'submit.pending': {
    zh: '您的联系人身份还在等待本企业现有联系人确认，确认后就可以提交事项了。',
    en: 'Your registration is waiting for an existing contact of your enterprise to approve it; you can submit once approved.',
  },
  'submit.officials': {
    zh: '提交事项是给企业用的。工作人员请通过事项通知里的按钮办理。',
    en: 'Submitting cases is for enterprises. Officials act through the buttons on their case notices.',
  },

  // --- Category ---------------------------------------------------------------------------------------
  'submit.prefilled': { zh: '已记下您的描述。', en: 'I have noted your description.' },
  'submit.choose-group': { zh: '请选择事项类型：', en: 'What would you like to do?' },
  'submit.group.request': { zh: '办事诉求', en: 'Service request' },
  'submit.group.complaint': { zh: '投诉', en: 'Complaint' },
  'submit.group.consultation': { zh: '政策咨询', en: 'Policy question' },
  'submit.group.suggestion': { zh: '意见建议', en: 'Suggestion' },
  'submit.group.misconduct': { zh: '举报违纪违规', en: 'Report misconduct' },
  'submit.choose-category': { zh: '请选择具体类别：', en: 'Please choose the category:' },
  'submit.choose-misconduct': {
    zh: '请选择举报的问题（举报只交纪检监察组办理）：',
    en: 'What is the report about? (Reports go to discipline inspection only.)',
  },
  'submit.back': { zh: '返回上一步', en: 'Back' },
  'submit.not-understood': { zh: '没有识别出您的选择，请点按钮或回复序号。', en: 'I did not catch your choice; please tap a button or reply with its number.' },

  // --- Description and attachments --------------------------------------------------------------------
  'submit.describe': {
    zh: '请用文字说明具体情况（{min}–{max} 字）：发生了什么、涉及哪个项目或单位、希望怎样解决。照片可以一起发。',
    en: 'Please describe the case in words ({min}–{max} characters): what happened, which project or unit, and what you would like done. You may send photos too.',
  },
  'submit.text-emoji': { zh: '只有表情无法说明情况，请用文字描述（至少 {min} 字）。', en: 'Emoji alone cannot explain the case; please describe it in words (at least {min} characters).' },
  'submit.text-too-short': { zh: '描述太短了（至少 {min} 字），请补充具体情况后重新发送。', en: 'That is too short (at least {min} characters); please add the details and send again.' },
  'submit.text-too-long': {
    zh: '描述太长了（最多 {max} 字，这条有 {length} 字），请精简后重新发送，较长的材料可以作为文件发送。',
    en: 'That is too long (at most {max} characters; this one has {length}). Please shorten it; longer material can be sent as a file.',
  },
  'submit.photo-then-text': { zh: '已收到 {count} 个附件。请再用文字说明具体情况（至少 {min} 字）。', en: 'Got {count} attachment(s). Now please describe the case in words (at least {min} characters).' },
  'submit.ask-attachments': {
    zh: '如有照片或文件材料，请现在发送（最多 {max} 个）。发完请回复“完成”，没有请回复“跳过”。',
    en: 'If you have photos or files, send them now (at most {max}). Reply "done" when finished, or "skip" if there are none.',
  },
  'submit.attachment-added': { zh: '已收到 {count} 个附件。可以继续发送，发完请回复“完成”。', en: 'Got {count} attachment(s). Send more, or reply "done".' },
  'submit.too-many-attachments': {
    zh: '附件最多 {max} 个，已有 {count} 个，这条消息里的附件没有保存。请回复“完成”继续。',
    en: 'At most {max} attachments; you have {count}, so the ones in this message were not kept. Reply "done" to go on.',
  },
  'submit.button.done': { zh: '完成', en: 'Done' },
  'submit.button.skip': { zh: '跳过', en: 'Skip' },

  // --- Misconduct: who sees the report ----------------------------------------------------------------
  'submit.ask-anonymity': {
    zh: '关于您的身份，请放心：\n· 这份举报只交给{unit}办理，被举报的单位和人员看不到，也不会经手。\n· 实名：只有{unit}能看到您的企业和姓名，便于核实和联系您。\n· 匿名：连{unit}也看不到您是谁，办理结果仍会在这里告诉您。\n请选择：',
    en: 'About your identity:\n· This report goes only to {unit}; the unit or person reported never sees or handles it.\n· With your name: only {unit} sees your enterprise and name, so they can check and contact you.\n· Anonymously: not even {unit} sees who you are; you will still get the outcome here.\nPlease choose:',
  },
  'submit.named': { zh: '实名举报', en: 'With my name' },
  'submit.anonymous': { zh: '匿名举报', en: 'Anonymously' },

  // --- Summary and confirmation -----------------------------------------------------------------------
  'submit.summary': {
    zh: '请核对：\n类别：{category}\n承办单位：{unit}\n描述：{text}\n附件：{attachments} 个',
    en: 'Please check:\nCategory: {category}\nHandled by: {unit}\nDescription: {text}\nAttachments: {attachments}',
  },
  'submit.summary-named': { zh: '身份：实名（仅{unit}可见）', en: 'Identity: named (seen by {unit} only)' },
  'submit.summary-anonymous': { zh: '身份：匿名（任何人都看不到）', en: 'Identity: anonymous (seen by no one)' },
  'submit.confirm-question': { zh: '确认提交吗？', en: 'Submit it?' },
  'submit.button.confirm': { zh: '确认提交', en: 'Submit' },
  'submit.button.edit': { zh: '修改', en: 'Change' },
  'submit.button.cancel': { zh: '取消', en: 'Cancel' },
  'submit.confirm-hint': { zh: '请回复“确认提交”、“修改”或“取消”。', en: 'Please reply "submit", "change" or "cancel".' },
  'submit.edit-what': { zh: '要修改哪一项？', en: 'What would you like to change?' },
  'submit.edit.category': { zh: '类别', en: 'Category' },
  'submit.edit.text': { zh: '描述', en: 'Description' },
  'submit.edit.attachments': { zh: '附件（重新发送）', en: 'Attachments (send again)' },
  'submit.edit.anonymity': { zh: '实名或匿名', en: 'Named or anonymous' },

  // --- Outcome ----------------------------------------------------------------------------------------
  'submit.accepted': {
    zh: '受理成功！\n事项编号：{number}\n承办单位：{unit}\n办结时限：{resolveBy}\n办理进展会在这里通知您，也可以随时发送 /status {number} 查询。',
    en: 'Received!\nCase number: {number}\nHandled by: {unit}\nTo be resolved by: {resolveBy}\nYou will be told of progress here; send /status {number} any time.',
  },
  'submit.accepted-anonymous': { zh: '您选择了匿名，您的身份不会被任何人看到。', en: 'You chose to stay anonymous: no one will see who you are.' },

  // --- Rating -----------------------------------------------------------------------------------------
  'rate.title': { zh: '评价', en: 'Rating' },
  'rate.need-contact': { zh: '评价功能面向已登记的企业联系人。', en: 'Rating is for registered enterprise contacts.' },
  'rate.none': { zh: '您目前没有待评价的事项。', en: 'You have no cases waiting for a rating.' },
  'rate.pick': { zh: '请选择要评价的事项：', en: 'Which case would you like to rate?' },
  'rate.ask-level': {
    zh: '事项 {number}（{category}）的办理结果：\n{result}\n请评价（1 = 非常满意，5 = 非常不满意）：',
    en: 'Case {number} ({category}) result:\n{result}\nPlease rate it (1 = very satisfied, 5 = very dissatisfied):',
  },
  'rate.level-hint': {
    zh: '请评价事项 {number}：点按钮，或回复 1–5（1 = 非常满意，5 = 非常不满意）。',
    en: 'Please rate case {number}: tap a button or reply 1–5 (1 = very satisfied, 5 = very dissatisfied).',
  },
  'rate.ask-comment': { zh: '您选择了“{level}”。还有意见可以写下来，没有请回复“跳过”。', en: 'You chose "{level}". Add a comment if you like, or reply "skip".' },
  'rate.ask-comment-bad': {
    zh: '您选择了“{level}”。请说说哪里不满意，便于整改；不想写请回复“跳过”。',
    en: 'You chose "{level}". Please say what was wrong so it can be put right, or reply "skip".',
  },
  'rate.comment-too-long': { zh: '意见最多 {max} 字，请精简后再发送。', en: 'A comment can be at most {max} characters; please shorten it.' },
  'rate.comment-text': { zh: '请用文字写意见，或回复“跳过”。', en: 'Please write the comment as text, or reply "skip".' },
  'rate.button.skip': { zh: '跳过', en: 'Skip' },
  'rate.thanks': { zh: '感谢您的评价！', en: 'Thank you for your rating!' },
  'rate.thanks-bad': {
    zh: '感谢您的评价。事项 {number} 将交由{unit}负责人督促整改，整改后我们会再次回访。',
    en: 'Thank you. {unit}’s supervisor will have case {number} put right, and we will ask you again afterwards.',
  },
  'rate.stale': {
    zh: '这个评价已失效：事项可能已经评价过或已关闭。发送 /status 可查看您的事项。',
    en: 'This rating is no longer open: the case may already be rated or closed. Send /status to see your cases.',
  },

  // --- Status -----------------------------------------------------------------------------------------
  'status.need-contact': { zh: '查询事项需要先登记为企业联系人。', en: 'Please register as an enterprise contact to look up cases.' },
  'status.pending': { zh: '您的联系人身份还在等待确认，确认后就可以查询了。', en: 'Your registration is waiting for approval; you can look up cases once approved.' },
  'status.officials': { zh: '请发送 /status 加事项编号查看单个事项，例如 /status {example}。', en: 'Send /status with a case number to see one case, e.g. /status {example}.' },
  'status.none': { zh: '您目前没有未关闭的事项。发送 /new 可以提交新事项。', en: 'You have no open cases. Send /new to submit one.' },
  'status.list-header': { zh: '您的未关闭事项（{count} 项）：', en: 'Your open cases ({count}):' },
  'status.list-more': { zh: '……另有较早的事项未列出。', en: '…older cases are not shown.' },
  'status.list-footer': { zh: '发送 /status 加事项编号查看详情。', en: 'Send /status with a case number for details.' },
  'status.bad-number': { zh: '事项编号的格式是 {example}，请检查后重新发送。', en: 'A case number looks like {example}; please check it and send again.' },
  'status.summary': {
    zh: '事项 {number}\n类别：{category}\n状态：{state}\n承办单位：{unit}',
    en: 'Case {number}\nCategory: {category}\nStatus: {state}\nHandled by: {unit}',
  },
  'status.summary-deadline': { zh: '{label}：{at}', en: '{label}: {at}' },
  'status.list-item': { zh: '{number} {category}｜{state}｜{unit}{due}', en: '{number} {category} | {state} | {unit}{due}' },
  'status.list-due': { zh: '｜{label} {at}', en: ' | {label} {at}' },
  'status.summary-result': { zh: '办理结果：{result}', en: 'Result: {result}' },
  'status.deadline.resolve': { zh: '办结时限', en: 'Due' },
  'status.deadline.rectify': { zh: '整改时限', en: 'Rectify by' },
  'status.deadline.rate': { zh: '评价截止', en: 'Rate by' },
  'status.deadline.closed': { zh: '关闭时间', en: 'Closed' },
} satisfies Record<string, Text>;
