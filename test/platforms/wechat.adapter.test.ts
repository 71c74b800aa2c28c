import { FileBox } from 'file-box';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ScanStatus, types, type payloads } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';

import type { InboundMessage } from '../../src/platforms/types.ts';
import {
  InMemoryChoiceStore,
  createWechatAdapter,
  matchChoice,
  renderChoices,
  type WechatAdapter,
} from '../../src/platforms/wechat/wechat.adapter.ts';

const BUTTONS = [
  [
    { action: 'ticket.accept', label: '受理' },
    { action: 'ticket.reject', label: '驳回' },
  ],
  [{ action: 'ticket.transfer', label: '转办' }],
];
const OFFERED = BUTTONS.flat();

/** What `ContactMock` / `RoomMock` are at runtime for our purposes (see `received`). */
interface MessageEmitter {
  on(event: 'message', listener: (message: mock.MessageMock) => void): unknown;
}

describe('renderChoices / matchChoice', () => {
  it('renders rows as one numbered line per button under the text', () => {
    expect(renderChoices('请选择', BUTTONS)).toEqual({
      text: '请选择\n\n1. 受理\n2. 驳回\n3. 转办',
      choices: OFFERED,
    });
    expect(renderChoices('无按钮', undefined)).toEqual({ text: '无按钮', choices: [] });
  });

  it('matches ASCII, full-width and Chinese numbers and exact labels, nothing else', () => {
    expect(matchChoice('2', OFFERED)?.action).toBe('ticket.reject');
    expect(matchChoice(' ２ ', OFFERED)?.action).toBe('ticket.reject');
    expect(matchChoice('二', OFFERED)?.action).toBe('ticket.reject');
    expect(matchChoice('十', OFFERED)).toBeUndefined();
    expect(matchChoice('转办', OFFERED)?.action).toBe('ticket.transfer');
    expect(matchChoice('4', OFFERED)).toBeUndefined();
    expect(matchChoice('0', OFFERED)).toBeUndefined();
    expect(matchChoice('2 谢谢', OFFERED)).toBeUndefined();
    expect(matchChoice('', OFFERED)).toBeUndefined();
  });
});

describe('WeChat adapter on wechaty-puppet-mock', () => {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const self = mocker.createContact({ name: '亲清助手' });
  const alice = mocker.createContact({ name: '张三' });
  const bob = mocker.createContact({ name: '李四' });
  const room = mocker.createRoom({ topic: '企业服务群', memberIdList: [self.id, alice.id, bob.id] });

  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const onLoginQr = vi.fn();
  const inbox: InboundMessage[] = [];
  let adapter: WechatAdapter;

  /** Waits for the first inbound message after index `from` that satisfies `predicate`. */
  async function nextInbound(from: number, predicate: (m: InboundMessage) => boolean): Promise<InboundMessage> {
    return vi.waitFor(
      () => {
        const found = inbox.slice(from).find(predicate);
        if (!found) throw new Error('no matching inbound message yet');
        return found;
      },
      { timeout: 2000, interval: 5 },
    );
  }

  /** Sends `sentinel` after whatever the caller just did and waits for it: anything sent earlier has had its turn. */
  async function settle(sentinel: string): Promise<void> {
    const from = inbox.length;
    alice.say(sentinel).to(self);
    await nextInbound(from, (m) => m.text === sentinel);
    // Room messages take a few more awaits (mentionSelf) than the private sentinel; give them time to lose.
    await new Promise((resolve) => setTimeout(resolve, 30));
  }

  /** Collects what the mock contact or room receives from the bot. */
  function received(target: mock.ContactMock | mock.RoomMock): mock.MessageMock[] {
    const got: mock.MessageMock[] = [];
    const collect = (message: mock.MessageMock): void => {
      if (message.payload.talkerId === self.id) got.push(message);
    };
    // The mocks extend `typed-emitter`, whose CJS default export does not resolve under NodeNext, so TypeScript
    // sees no `on`. At runtime both are plain EventEmitters; this is the one cast the mock's types force.
    (target as unknown as MessageEmitter).on('message', collect);
    return got;
  }

  /** Injects a raw payload the way `ContactMock.say().to()` does, for types `say` cannot produce. */
  function inject(payload: payloads.Message): void {
    mocker.MessageMock.create(payload);
    puppet.emit('message', { messageId: payload.id });
  }

  beforeAll(async () => {
    adapter = createWechatAdapter({ puppet, logger, onLoginQr, choiceStore: new InMemoryChoiceStore() });
    await adapter.start(async (message) => {
      inbox.push(message);
      if (message.text === 'boom') throw new Error('handler exploded');
    });
    mocker.scan('mock-qr-value', ScanStatus.Waiting);
    mocker.login(self);
    // The mock never emits `ready`, so wait for wechaty's own `login` event (seen through the logger) instead.
    await vi.waitFor(() => expect(logger.info).toHaveBeenCalledWith(expect.objectContaining({ userId: self.id }), 'wechat login'));
  });

  afterAll(async () => {
    await adapter.stop();
  });

  it('reports the login QR as a wechaty.js.org URL', () => {
    expect(onLoginQr).toHaveBeenCalledWith('https://wechaty.js.org/qrcode/mock-qr-value', 'mock-qr-value');
  });

  it('normalizes a private text message', async () => {
    const from = inbox.length;
    alice.say('你好，我想咨询政策').to(self);
    const message = await nextInbound(from, (m) => m.text === '你好，我想咨询政策');
    expect(message).toMatchObject({
      platform: 'wechat',
      chatId: alice.id,
      senderId: alice.id,
      senderName: '张三',
      attachments: [],
    });
    expect(message.callback).toBeUndefined();
    expect(message.platformMessageId).toMatch(/\S+/);
    expect(message.receivedAt).toBeInstanceOf(Date);
    expect(message.raw).toMatchObject({ id: message.platformMessageId, talkerId: alice.id });
  });

  it('drops the echo of its own sends', async () => {
    const echoes: string[] = [];
    puppet.on('message', ({ messageId }) => {
      echoes.push(messageId);
    });
    const result = await adapter.send(alice.id, { text: 'echo-check' });
    expect(result).toEqual({ ok: true });
    await settle('after-echo');
    // The puppet did hand the echo to wechaty, so its absence below is the adapter's doing.
    expect(echoes.map((id) => mocker.cacheMessagePayload.get(id)?.text)).toContain('echo-check');
    expect(inbox.filter((m) => m.text === 'echo-check')).toHaveLength(0);
  });

  it('ignores room chatter without an @-mention', async () => {
    bob.say('大家中午吃什么').to(room);
    await settle('after-chatter');
    expect(inbox.filter((m) => m.text.includes('中午吃什么'))).toHaveLength(0);
  });

  it('keeps a room message that @-mentions the bot, strips only the bot mention', async () => {
    const from = inbox.length;
    bob.say('@亲清助手\u2005请 @张三 跟进', [self, alice]).to(room);
    const message = await nextInbound(from, (m) => m.chatId === room.id);
    expect(message).toMatchObject({ text: '请 @张三 跟进', chatId: room.id, senderId: bob.id, senderName: '李四' });
  });

  it('turns an image into a photo attachment referencing the message id', async () => {
    const from = inbox.length;
    // The mock serializes what is said, and a buffer FileBox is not serializable, so base64 it is.
    alice.say(FileBox.fromBase64(Buffer.from('not really a png').toString('base64'), 'photo.png')).to(self);
    const message = await nextInbound(from, (m) => m.attachments.length > 0);
    expect(message.text).toBe('');
    expect(message.attachments).toEqual([{ kind: 'photo', fileRef: message.platformMessageId }]);
  });

  it('turns a file into a document (with its name) and an emoticon into a sticker', async () => {
    const from = inbox.length;
    const base = { talkerId: alice.id, listenerId: self.id, timestamp: Date.now() };
    inject({ ...base, id: 'mock-doc-1', type: types.Message.Attachment, filename: '营业执照.pdf' });
    inject({ ...base, id: 'mock-emoticon-1', type: types.Message.Emoticon, text: '<msg><emoji/></msg>' });
    const doc = await nextInbound(from, (m) => m.platformMessageId === 'mock-doc-1');
    const sticker = await nextInbound(from, (m) => m.platformMessageId === 'mock-emoticon-1');
    expect(doc.attachments).toEqual([{ kind: 'document', fileRef: 'mock-doc-1', fileName: '营业执照.pdf' }]);
    expect(sticker).toMatchObject({ text: '', attachments: [{ kind: 'sticker', fileRef: 'mock-emoticon-1' }] });
  });

  it('renders buttons as a numbered list the contact receives', async () => {
    const got = received(alice);
    const result = await adapter.send(alice.id, { text: '您的诉求如何处理？', buttons: BUTTONS });
    expect(result.ok).toBe(true);
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(got[0]?.text()).toBe('您的诉求如何处理？\n\n1. 受理\n2. 驳回\n3. 转办');
  });

  it.each(['2', '２', '二', '驳回'])('maps the reply %s to the second action, keeping the typed text', async (reply) => {
    await adapter.send(alice.id, { text: '请选择', buttons: BUTTONS });
    const from = inbox.length;
    alice.say(reply).to(self);
    const message = await nextInbound(from, (m) => m.senderId === alice.id);
    expect(message.text).toBe(reply);
    expect(message.callback).toEqual({ id: '', data: 'ticket.reject' });
  });

  it('keeps the offered set across a later message without buttons; other text stays plain', async () => {
    await adapter.send(alice.id, { text: '请选择', buttons: BUTTONS });
    await adapter.send(alice.id, { text: '提醒：请尽快选择' });
    let from = inbox.length;
    alice.say('3').to(self);
    expect((await nextInbound(from, (m) => m.text === '3')).callback).toEqual({ id: '', data: 'ticket.transfer' });
    from = inbox.length;
    alice.say('9').to(self);
    expect((await nextInbound(from, (m) => m.text === '9')).callback).toBeUndefined();
    from = inbox.length;
    bob.say('1').to(self); // bob was never offered anything
    expect((await nextInbound(from, (m) => m.senderId === bob.id)).callback).toBeUndefined();
  });

  it('sends to a room, and an image as chart.png before the text', async () => {
    const got = received(room);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const result = await adapter.send(room.id, { text: '本周统计', image: { png, caption: '图：办结率' } });
    expect(result).toEqual({ ok: true });
    await vi.waitFor(() => expect(got).toHaveLength(3));
    expect(got.map((m) => m.type())).toEqual([types.Message.Image, types.Message.Text, types.Message.Text]);
    expect(got.map((m) => m.text())).toEqual([undefined, '图：办结率', '本周统计']);
    expect(mocker.cacheFileBoxPayload.get(got[0]?.id ?? '')).toMatchObject({ name: 'chart.png' });
  });

  it('reports an unknown chat as unreachable', async () => {
    await expect(adapter.send('no-such-contact', { text: 'x' })).resolves.toMatchObject({ ok: false, reason: 'unreachable' });
    await expect(adapter.send('no-such-room@chatroom', { text: 'x' })).resolves.toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('logs a throwing handler and keeps receiving', async () => {
    alice.say('boom').to(self);
    await vi.waitFor(() =>
      expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ err: 'handler exploded' }), 'wechat inbound handler failed'),
    );
    await settle('still-alive');
    expect(inbox.some((m) => m.text === 'still-alive')).toBe(true);
  });

  it('stops cleanly; sends afterwards are unreachable, not thrown', async () => {
    const stopper = createWechatAdapter({ puppet: new PuppetMock(), logger });
    await stopper.start(async () => undefined);
    await expect(stopper.stop()).resolves.toBeUndefined();
    await expect(stopper.send('anyone', { text: 'x' })).resolves.toMatchObject({ ok: false, reason: 'unreachable' });
  });
});
