import { describe, expect, it } from 'vitest';
import { FlowDefinitionError, type FlowDefinition, type FlowInput } from '../../flows/engine/flow.ts';
import { isNo, isYes, normalizeText } from '../../flows/engine/inputs.ts';
import { createFlowRunner, staleButton, type TurnContext } from '../../flows/engine/runner.ts';
import { MemorySessionStore, SessionConflictError, type SessionData, type SessionKey, type SessionStore } from '../../flows/engine/session-store.ts';
import { t, type Lang } from '../../src/i18n/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';

/** A toy two-step flow: ask a name, confirm it. */
interface ToyState {
  name: string | null;
}
interface ToyDeps {
  lang: Lang;
  submitted: string[];
  /** A name that makes the service throw. */
  failOn?: string;
  /** Holds the name step until released, to make two messages overlap. */
  gate?: Promise<void>;
}

const ASK_NAME = '请输入名称';
const ASK_CONFIRM = '请回复“确认”或“修改”。';

function toyFlow(version = 1): FlowDefinition<ToyState, ToyDeps> {
  return {
    name: 'toy',
    version,
    title: { zh: '测试流程', en: 'Toy flow' },
    async start(deps) {
      return { kind: 'next', step: 'name', state: { name: null }, replies: [{ text: deps.lang === 'en' ? 'Your name?' : ASK_NAME }] };
    },
    steps: {
      async name(state, input, deps) {
        await deps.gate;
        const name = normalizeText(input.text);
        if (name === deps.failOn) throw new Error('directory service down');
        if (name.length < 2) return { kind: 'retry', replies: [{ text: '名称至少两个字，请重新输入。' }] };
        return { kind: 'next', step: 'confirm', state: { ...state, name }, replies: [{ text: `确认提交「${name}」？` }] };
      },
      async confirm(state, input, deps) {
        if (input.action === 'toy:yes' || isYes(input.text)) {
          deps.submitted.push(state.name ?? '');
          return { kind: 'done', replies: [{ text: '已提交' }] };
        }
        if (isNo(input.text)) return { kind: 'next', step: 'name', state: { name: null }, replies: [{ text: ASK_NAME }] };
        if (input.text === 'jump') return { kind: 'next', step: 'nowhere', state, replies: [] };
        return { kind: 'retry', replies: [{ text: ASK_CONFIRM }] };
      },
    },
    hint(step) {
      return step === 'name' ? { text: ASK_NAME } : { text: ASK_CONFIRM, buttons: [[{ action: 'toy:yes', label: '确认' }]] };
    },
  };
}

/** A second flow, to be replaced by or to replace the toy one. */
const otherFlow: FlowDefinition<{ count: number }, { lang: Lang }> = {
  name: 'other',
  version: 1,
  title: { zh: '另一个流程', en: 'Other flow' },
  async start() {
    return { kind: 'next', step: 'only', state: { count: 0 }, replies: [{ text: '另一个流程开始' }] };
  },
  steps: {
    async only(state) {
      return { kind: 'next', step: 'only', state: { count: state.count + 1 }, replies: [] };
    },
  },
  hint: () => ({ text: '随便说点什么' }),
};

const key: SessionKey = { platform: 'telegram', senderId: '1001' };

function text(value: string): FlowInput {
  return { text: value, attachments: [] };
}

function setup(options: { version?: number; store?: SessionStore } = {}) {
  const store = options.store ?? new MemorySessionStore();
  const clock = new ManualClock(new Date('2025-03-03T09:00:00Z'));
  const runner = createFlowRunner({ store, clock, flows: [toyFlow(options.version), otherFlow] });
  const deps: ToyDeps = { lang: 'zh-CN', submitted: [] };
  const context = (lang: Lang = 'zh-CN'): TurnContext => ({ lang, depsFor: () => ({ ...deps, lang }) });
  return { store, clock, runner, deps, context };
}

describe('flow runner: the happy path', () => {
  it('asks, advances, confirms and ends the session', async () => {
    const { store, clock, runner, deps, context } = setup();
    expect(await runner.begin(key, 'toy', context())).toEqual([{ text: ASK_NAME }]);
    expect(await store.read(key)).toMatchObject({ flow: 'toy', flowVersion: 1, step: 'name', state: { name: null }, revision: 1, startedAt: '2025-03-03T09:00:00.000Z' });

    clock.advance(60_000);
    const named = await runner.handle(key, text('  Ａｃｍｅ 公司 '), context());
    expect(named).toEqual({ handled: true, outcome: 'advanced', replies: [{ text: '确认提交「Acme 公司」？' }] });
    expect(await store.read(key)).toMatchObject({ step: 'confirm', state: { name: 'Acme 公司' }, revision: 2, updatedAt: '2025-03-03T09:01:00.000Z' });
    expect(await runner.active(key)).toEqual({ flow: 'toy', step: 'confirm', title: { zh: '测试流程', en: 'Toy flow' }, startedAt: '2025-03-03T09:00:00.000Z' });

    const done = await runner.handle(key, { text: '', action: 'toy:yes', attachments: [] }, context());
    expect(done).toEqual({ handled: true, outcome: 'done', replies: [{ text: '已提交' }] });
    expect(deps.submitted).toEqual(['Acme 公司']);
    expect(await store.read(key)).toBeUndefined();
    expect(await runner.active(key)).toBeUndefined();
  });

  it('leaves a message alone when no flow is active', async () => {
    const { runner, context } = setup();
    expect(await runner.handle(key, text('你好'), context())).toEqual({ handled: false, replies: [] });
  });

  it('a step may stay on its own step', async () => {
    const { store, runner, context } = setup();
    await runner.begin(key, 'other', context());
    await runner.handle(key, text('一'), context());
    await runner.handle(key, text('二'), context());
    expect(await store.read(key)).toMatchObject({ step: 'only', state: { count: 2 }, revision: 3 });
  });
});

describe('flow runner: bad input', () => {
  it('a retry re-asks with the reason and keeps the stored session exactly', async () => {
    const { store, runner, context } = setup();
    await runner.begin(key, 'toy', context());
    await runner.handle(key, text('Acme'), context());
    const before = await store.read(key);
    const result = await runner.handle(key, text('也许吧'), context());
    expect(result).toEqual({ handled: true, outcome: 'retried', replies: [{ text: ASK_CONFIRM }] });
    expect(await store.read(key)).toEqual(before);
  });

  it.each([
    ['empty text (a sticker without attachment)', { text: '', attachments: [] }],
    ['only invisible characters', { text: '\u200b \ufeff', attachments: [] }],
    ['a sticker attachment', { text: '', attachments: [{ kind: 'sticker', fileRef: 'CAACAg' }] }],
  ] satisfies [string, FlowInput][])('%s gets the step hint and keeps the state', async (_label, input) => {
    const { store, runner, context } = setup();
    await runner.begin(key, 'toy', context());
    await runner.handle(key, text('Acme'), context());
    const before = await store.read(key);
    const result = await runner.handle(key, input, context());
    expect(result).toEqual({
      handled: true,
      outcome: 'hint',
      replies: [{ text: `${t('zh-CN', 'flow.hint-prefix')}\n${ASK_CONFIRM}`, buttons: [[{ action: 'toy:yes', label: '确认' }]] }],
    });
    expect(await store.read(key)).toEqual(before);
  });

  it('a photo is not empty input: the step decides', async () => {
    const { runner, context } = setup();
    await runner.begin(key, 'toy', context());
    const result = await runner.handle(key, { text: '', attachments: [{ kind: 'photo', fileRef: 'AgAD' }] }, context());
    expect(result).toMatchObject({ outcome: 'retried' });
  });
});

describe('flow runner: leaving', () => {
  it.each(['取消', '退出', 'cancel', '/cancel', 'CANCEL', 'Cancel', '／ｃａｎｃｅｌ', '　取消　', ' 取 消。', '/cancel@qinqing_bot', '退出！'])(
    '"%s" ends the flow with a confirmation',
    async (word) => {
      const { store, runner, context } = setup();
      await runner.begin(key, 'toy', context());
      const result = await runner.handle(key, text(word), context());
      expect(result).toEqual({ handled: true, outcome: 'cancelled', replies: [{ text: t('zh-CN', 'flow.cancelled') }] });
      expect(await store.read(key)).toBeUndefined();
    },
  );

  it('confirms in English for an English speaker', async () => {
    const { runner, context } = setup();
    await runner.begin(key, 'toy', context('en'));
    const result = await runner.handle(key, text('cancel'), context('en'));
    expect(result.replies).toEqual([{ text: 'Cancelled. Send /new whenever you want to start again.' }]);
  });

  it('a button whose label reads 取消 goes to the step, not the engine', async () => {
    const { store, runner, context } = setup();
    await runner.begin(key, 'toy', context());
    await runner.handle(key, text('Acme'), context());
    const result = await runner.handle(key, { text: '取消', action: 'toy:unknown', attachments: [] }, context());
    expect(result).toMatchObject({ outcome: 'retried' });
    expect(await store.read(key)).toMatchObject({ step: 'confirm' });
  });
});

describe('flow runner: failures', () => {
  it('a step that throws keeps the session as it was and rethrows', async () => {
    const { store, runner, deps, context } = setup();
    deps.failOn = 'Boom';
    await runner.begin(key, 'toy', context());
    const before = await store.read(key);
    await expect(runner.handle(key, text('Boom'), context())).rejects.toThrow('directory service down');
    expect(await store.read(key)).toEqual(before);
  });

  it('a step naming a step that does not exist is a FlowDefinitionError and stores nothing', async () => {
    const { store, runner, context } = setup();
    await runner.begin(key, 'toy', context());
    await runner.handle(key, text('Acme'), context());
    const before = await store.read(key);
    await expect(runner.handle(key, text('jump'), context())).rejects.toBeInstanceOf(FlowDefinitionError);
    expect(await store.read(key)).toEqual(before);
  });

  it('a session of another flow version ends politely and is deleted', async () => {
    const store = new MemorySessionStore();
    const old = setup({ version: 1, store });
    await old.runner.begin(key, 'toy', old.context());
    const deployed = setup({ version: 2, store });
    const result = await deployed.runner.handle(key, text('Acme'), deployed.context('en'));
    expect(result).toEqual({ handled: true, outcome: 'outdated', replies: [{ text: t('en', 'flow.outdated') }] });
    expect(await store.read(key)).toBeUndefined();
  });

  it('a session of a flow no longer deployed, or a state that no longer parses, ends the same way', async () => {
    const store = new MemorySessionStore();
    const now = '2025-03-03T09:00:00.000Z';
    const session: SessionData = { flow: 'retired', flowVersion: 1, step: 'x', state: {}, startedAt: now, updatedAt: now };
    await store.write(key, session);
    const strict = createFlowRunner({ store, flows: [{ ...otherFlow, parseState: () => { throw new Error('bad state'); } }] });
    expect(await strict.handle(key, text('hi'), { lang: 'zh-CN', depsFor: () => ({}) })).toMatchObject({ outcome: 'outdated' });
    await store.write(key, { ...session, flow: 'other', step: 'only' });
    expect(await strict.handle(key, text('hi'), { lang: 'zh-CN', depsFor: () => ({}) })).toMatchObject({ outcome: 'outdated' });
    expect(await store.read(key)).toBeUndefined();
  });

  it('two messages at once: the loser is rerun on the fresh session, as if it came second', async () => {
    const { store, runner, deps, context } = setup();
    await runner.begin(key, 'toy', context());
    let release = (): void => undefined;
    deps.gate = new Promise<void>((resolve) => (release = resolve));
    const first = runner.handle(key, text('Acme'), context());
    const second = runner.handle(key, text('Beta'), context());
    release();
    const results = await Promise.all([first, second]);
    expect(results.map((result) => (result.handled ? result.outcome : 'unhandled'))).toEqual(['advanced', 'retried']);
    expect(await store.read(key)).toMatchObject({ step: 'confirm', state: { name: 'Acme' }, revision: 2 });
  });

  it('losing the race twice asks the user to send the message again', async () => {
    const inner = new MemorySessionStore();
    const racing: SessionStore = {
      read: (k) => inner.read(k),
      delete: (k, revision) => inner.delete(k, revision),
      write: async (k, session, revision) => {
        if (revision !== undefined) throw new SessionConflictError(k, revision, revision + 1);
        return inner.write(k, session);
      },
    };
    const { runner, context } = setup({ store: racing });
    await runner.begin(key, 'toy', context());
    const result = await runner.handle(key, text('Acme'), context('en'));
    expect(result).toEqual({ handled: true, outcome: 'conflict', replies: [{ text: t('en', 'flow.conflict') }] });
    expect(await inner.read(key)).toMatchObject({ step: 'name', revision: 1 });
  });
});

describe('flow runner: beginning', () => {
  it('begin while another flow is active replaces it, telling the user first', async () => {
    const { store, runner, context } = setup();
    await runner.begin(key, 'toy', context());
    const replies = await runner.begin(key, 'other', context());
    expect(replies).toEqual([{ text: '之前未完成的「测试流程」已退出。' }, { text: '另一个流程开始' }]);
    expect(await store.read(key)).toMatchObject({ flow: 'other', step: 'only', state: { count: 0 } });
    expect((await runner.begin(key, 'toy', context('en')))[0]).toEqual({ text: 'You have left the unfinished "Other flow".' });
  });

  it('a start that ends at once leaves the active flow alone', async () => {
    const store = new MemorySessionStore();
    const refusing: FlowDefinition<null, unknown> = {
      name: 'refusing',
      version: 1,
      title: { zh: '需要注册', en: 'Needs registration' },
      start: async () => ({ kind: 'done', replies: [{ text: '请先注册' }] }),
      steps: {},
      hint: () => ({ text: '' }),
    };
    const runner = createFlowRunner({ store, flows: [toyFlow(), refusing] });
    const context: TurnContext = { lang: 'zh-CN', depsFor: () => ({ lang: 'zh-CN', submitted: [] }) };
    await runner.begin(key, 'toy', context);
    expect(await runner.begin(key, 'refusing', context)).toEqual([{ text: '请先注册' }]);
    expect(await runner.active(key)).toMatchObject({ flow: 'toy', step: 'name' });
  });

  it('refuses an unknown flow and duplicate names', async () => {
    const { runner, context } = setup();
    await expect(runner.begin(key, 'nope', context())).rejects.toThrow('unknown flow "nope"');
    expect(() => createFlowRunner({ store: new MemorySessionStore(), flows: [otherFlow, otherFlow] })).toThrow(FlowDefinitionError);
  });

  it('staleButton says so in either language', () => {
    expect(staleButton('zh-CN').text).toMatch(/^这个按钮已过期/);
    expect(staleButton('en').text).toMatch(/^This button has expired/);
  });
});
