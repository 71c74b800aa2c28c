import type { Text } from '../index.ts';

/** 联系企业制度 and 访百企: reminders, the supervisors' digest, and the visit log flow (flows/visit-log.flow.ts). */
export const liaisonMessages = {
  'liaison.period.H1': { zh: '{year}年上半年', en: 'the first half of {year}' },
  'liaison.period.H2': { zh: '{year}年下半年', en: 'the second half of {year}' },
  'liaison.period.year': { zh: '{year}年', en: '{year}' },
  'liaison.none': { zh: '无', en: 'none' },

  // One reminder per official and slot, listing the linked enterprises still short ({enterprises}: items
  // below joined with 、 or commas, cut with "and N more"). The leadership texts are for the second half,
  // when a leadership member's year rule (R(2)) falls due with the half-year's.
  'liaison.reminder.before': {
    zh: '【联系企业提醒】{period}您还有 {count} 家联系企业未按要求走访（每家应不少于 {required} 次）：{enterprises}。距 {end} 还有 {days} 个工作日，请及时走访，走访后发送“走访”记录。',
    en: '[Liaison] In {period} you have yet to visit {count} of your linked enterprises as required (at least {required} each): {enterprises}. {days} working days remain until {end}; please visit, then send "visit" to record each visit.',
  },
  'liaison.reminder.before-leadership': {
    zh: '【联系企业提醒】领导班子成员走访每家联系企业每年不少于 {yearRequired} 次、每半年不少于 {required} 次。{year}年您还有 {count} 家联系企业未达到要求：{enterprises}。距 {end} 还有 {days} 个工作日，请及时安排，走访后发送“走访”记录。',
    en: '[Liaison] Leadership members visit each linked enterprise at least {yearRequired} times a year, at least {required} of them in each half. In {year} you have yet to do so at {count} of your linked enterprises: {enterprises}. {days} working days remain until {end}; please arrange the visits, then send "visit" to record each.',
  },
  'liaison.reminder.missed': {
    zh: '【联系企业】{period}已结束，您有 {count} 家联系企业未达到每家不少于 {required} 次的走访要求：{enterprises}。此情况将在周报中告知主管，请尽快走访。',
    en: '[Liaison] {period} has ended, and {count} of your linked enterprises did not get the visits required (at least {required} each): {enterprises}. Your supervisor will see this in the weekly digest; please visit soon.',
  },
  'liaison.reminder.missed-leadership': {
    zh: '【联系企业】{year}年已结束，您有 {count} 家联系企业未达到领导班子成员每年不少于 {yearRequired} 次、每半年不少于 {required} 次的走访要求：{enterprises}。',
    en: '[Liaison] {year} has ended, and {count} of your linked enterprises did not get the visits required of leadership members (at least {yearRequired} a year, {required} in each half): {enterprises}.',
  },
  'liaison.reminder.item-done': { zh: '{name}（已走访 {done} 次）', en: '{name} ({done} of {required})' },
  'liaison.reminder.item-leadership': { zh: '{name}（全年 {yearDone} 次，下半年 {done} 次）', en: '{name} ({yearDone} in {year}, {done} in the second half)' },
  'liaison.reminder.more': { zh: '，另有 {count} 家', en: ', and {count} more' },
  // Per-link reminders queued by versions before the per-official reminder: kept so that such a notice,
  // still waiting for its send slot when the new version starts, reads as a sentence and not as its key.
  // Remove once no deployment can hold one (a reminder day's queue drains within hours).
  'liaison.notice.remind': {
    zh: '【联系企业提醒】{period}您还未按要求走访联系企业“{enterprise}”（已走访 {done} 次，应不少于 {required} 次）。距 {end} 还有 {days} 个工作日，请及时走访，走访后发送“走访”记录。',
    en: '[Liaison] In {period} you have not yet visited your linked enterprise {enterprise} as required ({done} of at least {required}). {days} working days remain until {end}; please visit, then send "visit" to record it.',
  },
  'liaison.notice.remind-leadership': {
    zh: '【联系企业提醒】领导班子成员每年走访联系企业不少于 {required} 次。{year}年您走访“{enterprise}”{done} 次，距 {end} 还有 {days} 个工作日，请及时安排。',
    en: '[Liaison] Leadership members visit each linked enterprise at least {required} times a year. In {year} you visited {enterprise} {done} times; {days} working days remain until {end}.',
  },
  'liaison.notice.missed': {
    zh: '【联系企业】{period}已结束，您走访联系企业“{enterprise}”{done} 次，未达到不少于 {required} 次的要求。此情况将在周报中告知主管，请尽快走访。',
    en: '[Liaison] {period} has ended: you visited your linked enterprise {enterprise} {done} times, short of the required {required}. Your supervisor will see this in the weekly digest; please visit soon.',
  },
  'liaison.notice.missed-leadership': {
    zh: '【联系企业】{year}年已结束，您走访联系企业“{enterprise}”{done} 次，未达到领导班子成员每年不少于 {required} 次的要求。',
    en: '[Liaison] {year} has ended: you visited {enterprise} {done} times, short of the {required} a year required of leadership members.',
  },
  'liaison.notice.symposium-remind': {
    zh: '【企业家座谈会】{year}年已召开企业家座谈会 {held} 次，每年应不少于 {required} 次。距 {end} 还有 {days} 个工作日，请安排。召开后请发送“走访”记录，形式选“企业家座谈会”。',
    en: '[Symposium] {held} entrepreneurs’ symposiums were held in {year}; at least {required} a year are required. {days} working days remain until {end}. Afterwards, send "visit" and choose the symposium form.',
  },
  'liaison.notice.symposium-missed': {
    zh: '【企业家座谈会】{year}年共召开企业家座谈会 {held} 次，未达到每年不少于 {required} 次的要求。',
    en: '[Symposium] {held} entrepreneurs’ symposiums were held in {year}, short of the {required} a year required.',
  },
  'liaison.notice.digest': {
    zh: '【联系企业周报】{unit}，截至 {date}（{period}还剩 {days} 个工作日）\n未联系企业的人员（{unlinkedCount} 人）：{unlinked}\n尚未完成本期走访的人员（{behindCount} 人）：{behind}{symposium}',
    en: '[Liaison weekly] {unit}, as of {date} ({days} working days left in {period})\nOfficials without a linked enterprise ({unlinkedCount}): {unlinked}\nOfficials yet to make this period’s visits ({behindCount}): {behind}{symposium}',
  },
  'liaison.digest.behind-item': { zh: '{name}（{count} 家）', en: '{name} ({count})' },
  'liaison.digest.more': { zh: '等 {count} 人', en: 'and {count} more' },
  'liaison.digest.symposium': { zh: '\n本年度企业家座谈会：已召开 {held} 次，应不少于 {required} 次', en: '\nSymposiums this year: {held} held, at least {required} required' },
  'liaison.notice.visit-issue': {
    zh: '{officer}走访时记录了贵单位反映的问题，已列入台账（编号 {number}），将限时办结并向您反馈结果：{text}',
    en: '{officer} recorded the problem you raised on the visit; it is in the ledger as case {number} and will be resolved on a deadline, with the result reported to you: {text}',
  },

  'liaison.form.on-site': { zh: '实地走访', en: 'On site' },
  'liaison.form.online': { zh: '线上交流', en: 'Online' },
  'liaison.form.symposium': { zh: '企业家座谈会', en: 'Entrepreneurs’ symposium' },
  'liaison.meal.canteen-paid': { zh: '在企业食堂工作餐，已交餐费', en: 'Working meal in the company canteen, fee paid' },
  'liaison.meal.no': { zh: '未就餐', en: 'No meal' },
  'liaison.meal.none': { zh: '不涉及（如线上交流）', en: 'Not applicable (e.g. online)' },

  'liaison.title.visit': { zh: '记录走访', en: 'Record a visit' },
  'liaison.visit.no-links': {
    zh: '您还没有联系企业。联系企业由管理员在名录中设置，如有疑问请联系办公室。',
    en: 'You have no linked enterprise yet. Links are set in the directory by an administrator; please ask the office.',
  },
  'liaison.visit.ask-enterprise': { zh: '走访的是哪家企业？请选择或回复序号。', en: 'Which enterprise did you visit? Choose or reply with its number.' },
  'liaison.visit.ask-enterprise-any': { zh: '\n也可以直接发送企业的统一社会信用代码。', en: '\nYou may also send any enterprise’s unified social credit code.' },
  'liaison.visit.bad-enterprise': { zh: '没有找到这家企业，请从列表中选择。', en: 'I could not find that enterprise; please choose from the list.' },
  'liaison.visit.ask-date': { zh: '走访日期？回复“今天”“昨天”，或按 2026-03-02 的格式。', en: 'When was the visit? Reply "today", "yesterday", or a date like 2026-03-02.' },
  'liaison.visit.bad-date': { zh: '没有看懂这个日期，请按 2026-03-02 的格式回复。', en: 'I could not read that date; please write it like 2026-03-02.' },
  'liaison.visit.ask-form': { zh: '走访形式？', en: 'How was the visit made?' },
  'liaison.visit.bad-form': { zh: '请从“实地走访”“线上交流”“企业家座谈会”中选择。', en: 'Please choose on site, online or symposium.' },
  'liaison.visit.ask-learnt': { zh: '请写下了解到的情况和听取的意见（{max} 字以内）。', en: 'What did you learn, and what did the enterprise say? (up to {max} characters)' },
  'liaison.visit.ask-problems': {
    zh: '企业反映了哪些需要解决的问题？每条问题发一条消息，写完后回复“完成”；没有问题请回复“无”。每条问题都会列入台账，限时办结并向企业反馈。',
    en: 'Which problems did the enterprise raise? Send one message per problem, then "done"; if none, reply "none". Each goes into the ledger, is resolved on a deadline and reported back to the enterprise.',
  },
  'liaison.visit.problem-added': { zh: '已记下第 {count} 条问题。还有请继续发送，没有了请回复“完成”。', en: 'Problem {count} noted. Send the next one, or "done".' },
  'liaison.visit.ask-meal': {
    zh: '是否就餐？按规定，因工作误餐只能在企业食堂按标准就餐并交纳餐费。',
    en: 'Did you eat there? The rules allow only a working meal in the company canteen, with the fee paid.',
  },
  'liaison.visit.bad-meal': { zh: '请从选项中选择。', en: 'Please choose one of the options.' },
  'liaison.visit.ask-gifts': {
    zh: '是否收受了企业的礼品、礼金，或接受了宴请、旅游、健身、娱乐等活动安排？按规定不得收受，请如实回答。',
    en: 'Did you accept any gift or money, a banquet, or a trip, fitness or entertainment arranged by the enterprise? The rules forbid it; please answer truthfully.',
  },
  'liaison.visit.bad-gifts': { zh: '请回答“否”或“是”。', en: 'Please answer "no" or "yes".' },
  'liaison.visit.ask-gift-detail': {
    zh: '请如实写明收受的礼品或接受的宴请、活动（内容、价值、时间）。这一申报将记入走访记录，并报送纪检监察组。',
    en: 'Please state what you accepted (what, its value, when). The declaration is kept with the visit record and sent to discipline inspection.',
  },
  'liaison.visit.confirm': {
    zh: '请确认走访记录：\n企业：{enterprise}\n日期：{date}\n形式：{form}\n了解情况：{learnt}\n反映问题：{problems}\n就餐：{meal}\n礼品宴请：{gifts}',
    en: 'Please confirm the visit record:\nEnterprise: {enterprise}\nDate: {date}\nForm: {form}\nLearnt: {learnt}\nProblems: {problems}\nMeal: {meal}\nGifts or hospitality: {gifts}',
  },
  'liaison.visit.gifts-none': { zh: '未收受', en: 'None accepted' },
  'liaison.visit.gifts-declared': { zh: '申报：{detail}（将报送纪检监察组）', en: 'Declared: {detail} (goes to discipline inspection)' },
  'liaison.visit.done': { zh: '走访已记录：{enterprise}，{date}。', en: 'Visit recorded: {enterprise}, {date}.' },
  'liaison.visit.done-tickets': { zh: '反映的问题已列入台账：{numbers}。办理结果将反馈企业。', en: 'The problems are in the ledger: {numbers}. The enterprise will be told the results.' },
  'liaison.visit.done-gift': { zh: '您申报的礼品或宴请已记录，并已报送纪检监察组。', en: 'Your declaration is recorded and has been sent to discipline inspection.' },
  'liaison.button.today': { zh: '今天', en: 'Today' },
  'liaison.button.yesterday': { zh: '昨天', en: 'Yesterday' },
  'liaison.button.done': { zh: '完成', en: 'Done' },
  'liaison.button.none': { zh: '无', en: 'None' },
  'liaison.button.no-gifts': { zh: '否，未收受', en: 'No, nothing accepted' },
  'liaison.button.gifts': { zh: '是，需要申报', en: 'Yes, to declare' },

  'error.visit.forbidden': { zh: '抱歉，只有在职工作人员可以记录走访。', en: 'Sorry, only serving officials may record visits.' },
  'error.visit.unknown-enterprise': { zh: '没有找到这家企业。', en: 'That enterprise is not in the directory.' },
  'error.visit.not-linked': {
    zh: '“{enterprise}”不是您的联系企业，只能记录对自己联系企业的走访。',
    en: '{enterprise} is not one of your linked enterprises; you can only record visits to your own.',
  },
  'error.visit.future-date': { zh: '走访日期不能晚于今天。', en: 'The visit date cannot be in the future.' },
  'error.visit.too-old': { zh: '只能补记 {days} 天以内的走访。', en: 'Only visits within the last {days} days can be recorded.' },
  'error.visit.too-many-problems': { zh: '一次走访最多记录 {max} 条问题，其余请另行提交。', en: 'At most {max} problems per visit; please submit the rest separately.' },
  'error.visit.gift-detail': { zh: '请写明收受的礼品或接受的宴请。', en: 'Please state what was accepted.' },
} satisfies Record<string, Text>;
