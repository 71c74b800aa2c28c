import type { Text } from '../index.ts';

/** Texts of the register flow (`register.*`) and of the registration service's errors (`error.registration.*`). */
export const registerMessages = {
  'register.title': { zh: '企业登记', en: 'Company registration' },
  'register.welcome': {
    zh: '您好！这里是“亲清”政企沟通服务。企业可以在这里咨询政策、提出诉求、投诉建议或反映问题线索，每件事都有专人限时办理，可随时查看进度，办结后请您评价。先花一分钟登记企业信息，以后提交时就不用再填了。',
    en: 'Hello! This is qinqing, the channel between companies and the government department. Ask about policies, raise requests, complaints or suggestions, or report misconduct here: each gets a named official and a deadline, you can follow it at any time, and you rate the result. Registering your company takes about a minute, and you will not have to type it again.',
  },
  'register.ask.company-name': { zh: '请问贵企业的名称？（营业执照上的全称）', en: 'What is your company’s name, as on its business licence?' },
  'register.ask.credit-code': {
    zh: '请发送企业的统一社会信用代码（营业执照上的 18 位代码）。',
    en: 'Please send the company’s unified social credit code (the 18 characters on its business licence).',
  },
  'register.ask.ownership': { zh: '企业类型是？请点选或回复序号。', en: 'What kind of company is it? Tap one or reply with its number.' },
  'register.ask.size': { zh: '企业规模是？请点选或回复序号。', en: 'How large is the company? Tap one or reply with its number.' },
  'register.ask.region': { zh: '企业所在地区？（如：郑州市金水区）', en: 'Where is the company? (for example: Jinshui District, Zhengzhou)' },
  'register.ask.contact-name': { zh: '请问您的姓名？', en: 'What is your name?' },
  'register.ask.phone': {
    zh: '请留一个联系电话：手机号，或带区号的座机号（如 0371-12345678）。',
    en: 'Please give a phone number: a mobile, or a landline with its area code (for example 0371-12345678).',
  },
  'register.ask.edit': { zh: '要修改哪一项？', en: 'What would you like to change?' },
  'register.known': {
    zh: '该信用代码已登记为「{name}」，企业信息无需再填。',
    en: 'This code is already registered as "{name}", so there is nothing more to fill in about the company.',
  },
  'register.summary.new': {
    zh: '请核对登记信息：\n企业名称：{companyName}\n统一社会信用代码：{creditCode}\n企业类型：{ownership}\n企业规模：{size}\n所在地区：{region}\n联系人：{contactName}\n联系电话：{phone}\n无误请点「确认」，需要改动请点「修改」。',
    en: 'Please check your registration:\nCompany: {companyName}\nCredit code: {creditCode}\nKind: {ownership}\nSize: {size}\nRegion: {region}\nContact: {contactName}\nPhone: {phone}\nTap "Confirm" if it is right, or "Change" to correct something.',
  },
  'register.summary.known': {
    zh: '请核对登记信息：\n企业名称：{companyName}（已登记）\n统一社会信用代码：{creditCode}\n联系人：{contactName}\n联系电话：{phone}\n无误请点「确认」，需要改动请点「修改」。',
    en: 'Please check your registration:\nCompany: {companyName} (already registered)\nCredit code: {creditCode}\nContact: {contactName}\nPhone: {phone}\nTap "Confirm" if it is right, or "Change" to correct something.',
  },
  'register.done.active': {
    zh: '登记完成，您现在是「{enterprise}」的联系人。发送 /new 即可提交诉求。',
    en: 'Done: you are now a contact of "{enterprise}". You can now send /new to submit a request.',
  },
  'register.done.pending': {
    zh: '已提交。「{enterprise}」已有联系人，我们已请其确认您的身份，确认后会马上通知您。',
    en: 'Sent. "{enterprise}" already has a contact: we asked them to approve you and will tell you as soon as they do.',
  },
  'register.already.contact': {
    zh: '您已是「{enterprise}」的联系人，无需再次登记。发送 /new 即可提交诉求。',
    en: 'You are already a contact of "{enterprise}". You can send /new to submit a request.',
  },
  'register.already.pending': {
    zh: '您加入「{enterprise}」的申请正在等待确认，确认后会通知您。',
    en: 'Your request to join "{enterprise}" is waiting for approval; we will tell you when it is decided.',
  },
  'register.already.official': { zh: '您是工作人员账号，无需登记企业。', en: 'This is a staff account; it does not need a company registration.' },

  'register.field.company-name': { zh: '企业名称', en: 'Company name' },
  'register.field.credit-code': { zh: '信用代码', en: 'Credit code' },
  'register.field.ownership': { zh: '企业类型', en: 'Kind' },
  'register.field.size': { zh: '企业规模', en: 'Size' },
  'register.field.region': { zh: '所在地区', en: 'Region' },
  'register.field.contact-name': { zh: '联系人姓名', en: 'Your name' },
  'register.field.phone': { zh: '联系电话', en: 'Phone' },
  'register.ownership.state': { zh: '国有企业', en: 'State-owned' },
  'register.ownership.private': { zh: '民营企业', en: 'Private' },
  'register.ownership.foreign': { zh: '外资企业', en: 'Foreign-invested' },
  'register.ownership.individual': { zh: '个体工商户', en: 'Sole trader' },
  'register.size.large': { zh: '大型', en: 'Large' },
  'register.size.medium': { zh: '中型', en: 'Medium' },
  'register.size.small': { zh: '小型', en: 'Small' },
  'register.size.micro': { zh: '微型', en: 'Micro' },
  'register.button.confirm': { zh: '确认', en: 'Confirm' },
  'register.button.edit': { zh: '修改', en: 'Change' },
  'register.button.cancel': { zh: '取消', en: 'Cancel' },
  'register.button.approve': { zh: '同意', en: 'Approve' },
  'register.button.refuse': { zh: '拒绝', en: 'Refuse' },

  'register.reason.no-text': { zh: '请用文字回复。', en: 'Please answer in text.' },
  'register.reason.emoji': { zh: '表情无法作为回答，请用文字回复。', en: 'An emoji cannot be used as an answer; please reply in words.' },
  'register.reason.too-short': { zh: '太短了（至少 {min} 个字）。', en: 'That is too short (at least {min} characters).' },
  'register.reason.too-long': { zh: '太长了（最多 {max} 个字），请精简后再发。', en: 'That is too long (at most {max} characters); please shorten it.' },
  'register.reason.no-letters': { zh: '请用文字填写，不能只有数字或符号。', en: 'Please use words, not only digits or symbols.' },
  'register.reason.choice': { zh: '没有这个选项，请点按钮或回复序号。', en: 'That is not one of the options; tap a button or reply with its number.' },
  'register.reason.confirm': { zh: '请点「确认」提交，或点「修改」更改。', en: 'Tap "Confirm" to register, or "Change" to correct something.' },
  'register.reason.phone': {
    zh: '这不是有效的电话号码：手机号应为 1 开头的 11 位数字，座机号需带区号。',
    en: 'That is not a valid phone number: a mobile has 11 digits starting with 1, and a landline needs its area code.',
  },
  'register.credit-code.empty': { zh: '没有收到信用代码。', en: 'No credit code came through.' },
  'register.credit-code.length': {
    zh: '信用代码应为 18 位，您发送的是 {length} 位。',
    en: 'A credit code has 18 characters; yours has {length}.',
  },
  'register.credit-code.character': {
    zh: '第 {position} 位的「{char}」不会出现在信用代码中（只有数字和大写字母，且没有 I、O、S、V、Z），请核对。',
    en: 'Character {position}, "{char}", cannot appear in a credit code (only digits and capital letters, never I, O, S, V or Z). Please check it.',
  },
  'register.credit-code.division': {
    zh: '第 3–8 位是登记地的行政区划代码，「{division}」不是有效的区划代码，请核对。',
    en: 'Characters 3–8 are the region code of where the company is registered, and "{division}" is not a valid one. Please check them.',
  },
  'register.credit-code.check': {
    zh: '最后一位校验码与前 17 位对不上，可能有某一位抄错了，请对照营业执照逐位核对。',
    en: 'The last (check) character does not match the first 17, so one of them is probably mistyped. Please compare it with the business licence.',
  },

  'register.notice.join-request': {
    zh: '{name}（电话 {phone}）申请成为「{enterprise}」的联系人，可代表企业提交和查看诉求。是否同意？',
    en: '{name} (phone {phone}) asks to become a contact of "{enterprise}", able to submit and follow requests for it. Do you approve?',
  },
  'register.notice.approved': {
    zh: '「{enterprise}」的联系人已同意您的加入申请。发送 /new 即可提交诉求。',
    en: 'A contact of "{enterprise}" approved your request to join. You can now send /new to submit a request.',
  },
  'register.notice.refused': {
    zh: '抱歉，「{enterprise}」的联系人没有同意您的加入申请。如有疑问，请先与贵企业沟通，再重新登记。',
    en: 'Sorry, the contact of "{enterprise}" did not approve your request to join. If this is a mistake, please talk to your company first and then register again.',
  },

  'error.registration.already-registered': {
    zh: '这个账号已经登记过了，无需再次登记。如需更换企业，请联系工作人员。',
    en: 'This account is already registered. To change company, please contact the staff.',
  },
  'error.registration.credit-code': { zh: '统一社会信用代码有误，请核对。', en: 'The unified social credit code is not valid; please check it.' },
  'error.registration.phone': {
    zh: '电话号码无效：请填写 11 位手机号，或带区号的座机号。',
    en: 'The phone number is not valid: please give an 11-digit mobile or a landline with its area code.',
  },
  'error.registration.invalid': { zh: '登记信息有误，请检查后重新填写。', en: 'Some registration details are not valid; please check and fill them in again.' },
  'error.registration.enterprise-incomplete': {
    zh: '该企业尚未登记，请补充企业名称、类型、规模和所在地区。',
    en: 'This company is not registered yet: please add its name, kind, size and region.',
  },
  'error.registration.forbidden': {
    zh: '只有该企业已确认的联系人才能处理加入申请。',
    en: 'Only an approved contact of this company can decide on a request to join.',
  },
  'error.registration.not-pending': {
    zh: '这条加入申请已经处理过了，或已被撤回。',
    en: 'This request to join has already been decided or withdrawn.',
  },
} satisfies Record<string, Text>;
