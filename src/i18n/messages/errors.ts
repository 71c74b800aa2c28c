import type { Text } from '../index.ts';

/** What a person is told when something they asked for cannot be done: keyed `error.<code>`. */
export const errorMessages = {
  'error.category.unknown': { zh: '没有这个事项类别，请从列表中选择。', en: 'There is no such category; please choose one from the list.' },
  'error.ticket.forbidden': { zh: '抱歉，您无权对该事项进行此操作。', en: 'Sorry, you are not allowed to do that on this case.' },
  'error.ticket.illegal-transition': {
    zh: '该事项当前状态（{status}）不能进行此操作。',
    en: 'This case is {status} and cannot take that action now.',
  },
  'error.ticket.transfer-limit': {
    zh: '该事项已转办 {transfers} 次，不能再转办，请联系主管领导协调。',
    en: 'This case has been transferred {transfers} times already; please ask your supervisor to coordinate.',
  },
  'error.ticket.extension-pending': { zh: '已有一个延期申请在等待审批。', en: 'An extension request is already waiting for a decision.' },
  'error.ticket.no-extension-pending': { zh: '没有待审批的延期申请。', en: 'There is no extension request to decide.' },
  'error.ticket.not-found': { zh: '没有找到编号为 {number} 的事项。', en: 'No case numbered {number} was found.' },
  'error.ticket.conflict': { zh: '该事项刚被其他人更新，请重试。', en: 'Someone else just updated this case; please try again.' },
  'error.text.empty': { zh: '内容不能为空。', en: 'The text cannot be empty.' },
  'error.text.too-short': { zh: '请至少写 {min} 个字，说清楚情况。', en: 'Please write at least {min} characters so the case is clear.' },
  'error.text.too-long': { zh: '内容太长了（最多 {max} 字），请精简后再发。', en: 'That is too long (at most {max} characters); please shorten it.' },
  'error.reason.required': { zh: '请写明理由。', en: 'Please give a reason.' },
  'error.result.required': { zh: '办结时必须填写办理结果。', en: 'A result is required to resolve a case.' },
  'error.extension.days': { zh: '延期天数应为 1 到 {max} 个工作日。', en: 'An extension must be 1 to {max} working days.' },
  'error.transfer.unit': { zh: '没有这个单位，或不能转给本单位。', en: 'No such unit, or it is the unit that already has the case.' },
  'error.unit.no-officer': { zh: '单位 {unit} 暂无可承办人员。', en: 'Unit {unit} has no officer available.' },
  'error.rating.unknown': { zh: '请选择 1–5 中的一项评价。', en: 'Please choose one of the five ratings (1–5).' },
  'error.attachments.too-many': { zh: '附件最多 {max} 个。', en: 'At most {max} attachments.' },
  'error.identity.forbidden': { zh: '只有纪检监察人员可以查看举报人身份。', en: 'Only discipline inspectors may see a reporter’s identity.' },
  'error.config.no-data-key': {
    zh: '系统未配置加密密钥，暂不能受理举报，请联系管理员。',
    en: 'The encryption key is not configured, so reports cannot be taken now; please contact the administrator.',
  },
  'error.internal': { zh: '抱歉，系统出了点问题，请稍后再试。您的信息没有丢失。', en: 'Sorry, something went wrong on our side. Please try again shortly; nothing you sent was lost.' },
  'error.unavailable': { zh: '服务暂时不可用，您的消息会在恢复后处理；如几分钟内没有回复，请再发一次。', en: 'The service is briefly unavailable; your message will be handled once it is back. If there is no answer in a few minutes, please send it again.' },
} satisfies Record<string, Text>;
