import { describe, expect, it } from 'vitest';
import type { Update } from 'telegraf/types';
import { normalizeTelegramUpdate } from '../../src/platforms/telegram/telegram.normalize.ts';

const CHAT = { id: 42, type: 'private' as const, first_name: 'Li' };
const FROM = { id: 42, is_bot: false, first_name: 'Li', last_name: 'Wei', language_code: 'zh-hans' };
const DATE = 1_767_225_600; // 2026-01-01T00:00:00Z
const base = { message_id: 7, date: DATE, chat: CHAT, from: FROM };

/** Fixtures are cast: a literal per message kind would bury each test in Telegram's full message types. */
function messageUpdate(content: Record<string, unknown>, extra: Record<string, unknown> = {}): Update {
  return { update_id: 1, message: { ...base, ...extra, ...content } } as Update;
}

describe('normalizeTelegramUpdate', () => {
  it('normalizes a text message', () => {
    const update = messageUpdate({ text: '你好，我想咨询补贴政策' });
    expect(normalizeTelegramUpdate(update)).toEqual({
      platform: 'telegram',
      chatId: '42',
      senderId: '42',
      senderName: 'Li Wei',
      platformMessageId: '42:7',
      text: '你好，我想咨询补贴政策',
      attachments: [],
      languageHint: 'zh-hans',
      receivedAt: new Date(DATE * 1000),
      raw: update,
    });
  });

  it('makes platformMessageId unique per chat, using a group chat id', () => {
    const update = messageUpdate({ text: 'hi' }, { chat: { id: -1001234, type: 'supergroup', title: 'G' } });
    expect(normalizeTelegramUpdate(update)?.platformMessageId).toBe('-1001234:7');
    expect(normalizeTelegramUpdate(update)?.chatId).toBe('-1001234');
  });

  it('keeps a command as typed', () => {
    expect(normalizeTelegramUpdate(messageUpdate({ text: '/status RF-2026-000001' }))?.text).toBe('/status RF-2026-000001');
  });

  it('strips a @botname suffix from a command', () => {
    const update = messageUpdate({ text: '/status@qinqing_bot RF-2026-000001' });
    expect(normalizeTelegramUpdate(update)?.text).toBe('/status RF-2026-000001');
    expect(normalizeTelegramUpdate(update, { botUsername: 'Qinqing_Bot' })?.text).toBe('/status RF-2026-000001');
    expect(normalizeTelegramUpdate(messageUpdate({ text: '/help@qinqing_bot' }))?.text).toBe('/help');
  });

  it('ignores a command addressed to another bot when the bot username is known', () => {
    expect(normalizeTelegramUpdate(messageUpdate({ text: '/status@other_bot' }), { botUsername: 'qinqing_bot' })).toBeNull();
  });

  it('does not touch an e-mail-like word that is not a leading command', () => {
    expect(normalizeTelegramUpdate(messageUpdate({ text: 'mail a@b.cn /x@y' }))?.text).toBe('mail a@b.cn /x@y');
  });

  it('takes the largest photo size and the caption as text', () => {
    const photo = [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 60, file_size: 1000 },
      { file_id: 'large', file_unique_id: 'l', width: 1280, height: 853, file_size: 90000 },
      { file_id: 'medium', file_unique_id: 'm', width: 320, height: 213, file_size: 9000 },
    ];
    const message = normalizeTelegramUpdate(messageUpdate({ photo, caption: '营业执照' }));
    expect(message?.text).toBe('营业执照');
    expect(message?.attachments).toEqual([{ kind: 'photo', fileRef: 'large', size: 90000 }]);
  });

  it('gives a photo without caption empty text', () => {
    const photo = [{ file_id: 'only', file_unique_id: 'o', width: 10, height: 10 }];
    const message = normalizeTelegramUpdate(messageUpdate({ photo }));
    expect(message?.text).toBe('');
    expect(message?.attachments).toEqual([{ kind: 'photo', fileRef: 'only' }]);
  });

  it('normalizes a document with name, type and size', () => {
    const document = { file_id: 'doc-1', file_unique_id: 'd', file_name: '申请表.pdf', mime_type: 'application/pdf', file_size: 123456 };
    const message = normalizeTelegramUpdate(messageUpdate({ document, caption: 'see attached' }));
    expect(message?.text).toBe('see attached');
    expect(message?.attachments).toEqual([
      { kind: 'document', fileRef: 'doc-1', fileName: '申请表.pdf', mimeType: 'application/pdf', size: 123456 },
    ]);
  });

  it('normalizes a sticker with empty text', () => {
    const sticker = { file_id: 'stk-1', file_unique_id: 'k', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' };
    const message = normalizeTelegramUpdate(messageUpdate({ sticker }));
    expect(message?.text).toBe('');
    expect(message?.attachments).toEqual([{ kind: 'sticker', fileRef: 'stk-1' }]);
  });

  it('passes a location on with no text and no attachments, so the bot can say it cannot read it', () => {
    const message = normalizeTelegramUpdate(messageUpdate({ location: { latitude: 39.9, longitude: 116.4 } }));
    expect(message).toMatchObject({ text: '', attachments: [] });
  });

  it('normalizes a callback query', () => {
    const update = {
      update_id: 3,
      callback_query: {
        id: '987654321',
        from: { id: 42, is_bot: false, first_name: 'Li', language_code: 'en' },
        message: { message_id: 55, date: DATE, chat: CHAT, text: 'Rate us' },
        chat_instance: 'ci',
        data: 'rate:5:RF-2026-000001',
      },
    } as Update;
    const now = new Date('2026-02-03T04:05:06Z');
    expect(normalizeTelegramUpdate(update, { now: () => now })).toEqual({
      platform: 'telegram',
      chatId: '42',
      senderId: '42',
      senderName: 'Li',
      platformMessageId: 'cb:987654321',
      text: '',
      attachments: [],
      callback: { id: '987654321', data: 'rate:5:RF-2026-000001' },
      languageHint: 'en',
      receivedAt: now,
      raw: update,
    });
  });

  it('ignores game callbacks and presses on inline-mode messages', () => {
    const from = { id: 42, is_bot: false, first_name: 'Li' };
    const game = { update_id: 4, callback_query: { id: '1', from, chat_instance: 'c', game_short_name: 'g', message: { message_id: 1, date: DATE, chat: CHAT } } } as Update;
    const inline = { update_id: 5, callback_query: { id: '2', from, chat_instance: 'c', inline_message_id: 'im', data: 'x' } } as Update;
    expect(normalizeTelegramUpdate(game)).toBeNull();
    expect(normalizeTelegramUpdate(inline)).toBeNull();
  });

  it('falls back to the username and omits languageHint when Telegram sends none', () => {
    const message = normalizeTelegramUpdate(messageUpdate({ text: 'x' }, { from: { id: 9, is_bot: false, first_name: '', username: 'ent_a' } }));
    expect(message?.senderName).toBe('ent_a');
    expect(message).not.toHaveProperty('languageHint');
  });

  it('returns null for edited messages', () => {
    const update = { update_id: 2, edited_message: { ...base, edit_date: DATE + 5, text: 'edited' } } as Update;
    expect(normalizeTelegramUpdate(update)).toBeNull();
  });

  it('returns null for channel posts', () => {
    const update = { update_id: 2, channel_post: { message_id: 1, date: DATE, chat: { id: -100, type: 'channel', title: 'C' }, text: 'news' } } as Update;
    expect(normalizeTelegramUpdate(update)).toBeNull();
  });

  it('returns null for messages from bots', () => {
    expect(normalizeTelegramUpdate(messageUpdate({ text: 'beep' }, { from: { ...FROM, is_bot: true } }))).toBeNull();
  });

  it('returns null for service messages', () => {
    expect(normalizeTelegramUpdate(messageUpdate({ new_chat_members: [FROM] }))).toBeNull();
    expect(normalizeTelegramUpdate(messageUpdate({ pinned_message: { ...base, text: 'p' } }))).toBeNull();
  });

  it('returns null for update kinds qinqing does not handle', () => {
    const update = { update_id: 9, inline_query: { id: 'q', from: FROM, query: 'x', offset: '' } } as Update;
    expect(normalizeTelegramUpdate(update)).toBeNull();
  });
});
