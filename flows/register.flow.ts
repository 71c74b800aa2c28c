/**
 * 企业登记: a person tells the bot which enterprise they speak for, once. Company name, credit code,
 * ownership, size, region, their name and phone, a summary to confirm; a credit code already in the
 * database skips the company questions. Nothing is written until 确认.
 */
import { z } from 'zod';
import { OWNERSHIPS, SIZES } from '../src/db/models/index.ts';
import { DomainError } from '../src/domain/errors.ts';
import { both, isMessageKey, t } from '../src/i18n/index.ts';
import { registerEnterprise, type RegistrationInput } from '../src/services/registration.ts';
import type { FlowDeps } from './deps.ts';
import { isNo, isYes, staleButton, type FlowDefinition, type FlowInput, type StepResult } from './engine/index.ts';
import { advance, confirmChoice, prompt, questionSteps, reask } from './register.steps.ts';

/** What the flow has gathered so far; every field is absent until its question is answered. */
export const registerStateSchema = z.object({
  /** The credit code is already registered: `companyName` is the stored name and the company questions are skipped. */
  known: z.boolean().optional(),
  companyName: z.string().optional(),
  creditCode: z.string().optional(),
  ownership: z.enum(OWNERSHIPS).optional(),
  size: z.enum(SIZES).optional(),
  region: z.string().optional(),
  contactName: z.string().optional(),
  phone: z.string().optional(),
});

export type RegisterState = z.infer<typeof registerStateSchema>;

function finish(text: string): StepResult<RegisterState> {
  return { kind: 'done', replies: [{ text }] };
}

/** The one place the flow writes: after 确认, through the registration service. */
async function submit(state: RegisterState, deps: FlowDeps): Promise<StepResult<RegisterState>> {
  const { lang, sender } = deps;
  const { creditCode = '', contactName = '', phone = '' } = state;
  // A known enterprise keeps its stored details: only its code is sent.
  const enterprise: RegistrationInput['enterprise'] = state.known
    ? { creditCode }
    : { creditCode, name: state.companyName, ownership: state.ownership, size: state.size, region: state.region };
  try {
    const result = await registerEnterprise(deps.app, {
      sender: { platform: sender.platform, senderId: sender.senderId, chatId: sender.chatId },
      lang,
      enterprise,
      contact: { name: contactName, phone },
    });
    const key = result.status === 'active' ? 'register.done.active' : 'register.done.pending';
    return finish(t(lang, key, { enterprise: result.enterprise.name }));
  } catch (error) {
    // A rule the answers cannot fix (registered meanwhile from another chat): say it and end.
    const key = error instanceof DomainError ? `error.${error.code}` : '';
    if (error instanceof DomainError && isMessageKey(key)) return finish(t(lang, key, error.params));
    throw error;
  }
}

async function confirmStep(state: RegisterState, input: FlowInput, deps: FlowDeps): Promise<StepResult<RegisterState>> {
  const { lang } = deps;
  const choice = confirmChoice(input);
  if (choice === 'confirm' || (choice === undefined && isYes(input.text))) return submit(state, deps);
  if (choice === 'edit' || (choice === undefined && isNo(input.text))) return { kind: 'next', step: 'edit', state, replies: [prompt('edit', state, lang)] };
  if (choice === 'cancel') return finish(t(lang, 'flow.cancelled'));
  return reask(choice === 'stale' ? staleButton(lang).text : t(lang, 'register.reason.confirm'), 'confirm', state, lang);
}

/** The `register` flow. Start it for a sender with no account; a registered one is told so and nothing starts. */
export const registerFlow: FlowDefinition<RegisterState, FlowDeps> = {
  name: 'register',
  version: 1,
  title: both('register.title'),
  async start(deps) {
    const { identity, lang } = deps;
    if (identity.kind === 'official') return finish(t(lang, 'register.already.official'));
    if (identity.kind === 'contact') {
      const key = identity.status === 'active' ? 'register.already.contact' : 'register.already.pending';
      return finish(t(lang, key, { enterprise: identity.enterprise.name }));
    }
    return advance({}, lang, [{ text: t(lang, 'register.welcome') }]);
  },
  steps: { ...questionSteps, confirm: confirmStep },
  hint: (step, state, deps) => prompt(step, state, deps.lang),
  parseState: (raw) => registerStateSchema.parse(raw),
};
