import { describe, expect, it } from 'vitest';
import { isCancel, isEmojiOnly, isEmptyInput, isNo, isYes, limitLength, normalizeText, parseChoice, stripInvisible, textLength } from '../../flows/engine/inputs.ts';

describe('normalizeText', () => {
  it.each([
    ['  Ａｃｍｅ\u3000 有限公司 ', 'Acme 有限公司'],
    ['取\u200b消', '取消'],
    ['\ufeff河南\u200c省\u200e', '河南省'],
    ['\u202e信用代码\u202c \u2066123\u2069', '信用代码 123'],
    ['第一行\n\n第二行\t结束', '第一行 第二行 结束'],
    ['①号楼', '1号楼'],
    ['郑州市金水区', '郑州市金水区'],
    ['\u200b \u00a0', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('keeps the joiner inside an emoji sequence and drops it elsewhere', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    expect(normalizeText(`家庭${family}`)).toBe(`家庭${family}`);
    expect(normalizeText('企\u200d业')).toBe('企业');
  });
});

describe('stripInvisible', () => {
  it('keeps line breaks and full-width punctuation of free text', () => {
    expect(stripInvisible(' 第一，\u200b第二！\n第三？ ')).toBe('第一，第二！\n第三？');
  });
});

describe('isCancel', () => {
  it.each(['取消', '退出', 'cancel', 'CANCEL', '/cancel', '／ｃａｎｃｅｌ', '　取消　', '取 消', '取消。', '/cancel@qinqing_bot', 'Cancel!'])('%j cancels', (text) => {
    expect(isCancel(text)).toBe(true);
  });

  it.each(['取消订单的流程太慢', 'cancellation', '/cancel2', '', '不取消'])('%j does not', (text) => {
    expect(isCancel(text)).toBe(false);
  });
});

describe('isYes / isNo', () => {
  it.each(['是', '好', '确认', '对', 'yes', 'Y', 'OK', '好的！', ' 是的 ', 'ｙｅｓ'])('%j is yes, not no', (text) => {
    expect(isYes(text)).toBe(true);
    expect(isNo(text)).toBe(false);
  });

  it.each(['否', '不', '不是', 'no', 'N', 'No.', '不对'])('%j is no, not yes', (text) => {
    expect(isNo(text)).toBe(true);
    expect(isYes(text)).toBe(false);
  });

  it.each(['也许', 'yesterday', '好不好', ''])('%j is neither', (text) => {
    expect(isYes(text)).toBe(false);
    expect(isNo(text)).toBe(false);
  });
});

describe('parseChoice', () => {
  const options = [
    { action: 'cat:complaint', labels: { zh: '投诉举报', en: 'Complaint' }, aliases: ['投诉'] },
    { action: 'cat:demand', labels: { zh: '诉求', en: 'Request' } },
    { action: 'cat:advice', labels: { zh: '意见建议', en: 'Suggestion' }, code: 'advice' },
  ];

  it('picks by button action', () => {
    expect(parseChoice({ text: '', action: 'cat:demand' }, options)?.action).toBe('cat:demand');
  });

  it('a stale button picks nothing, whatever its text says', () => {
    expect(parseChoice({ text: '1', action: 'old:flow' }, options)).toBeUndefined();
  });

  it.each([
    ['1', 'cat:complaint'],
    ['２', 'cat:demand'],
    ['3.', 'cat:advice'],
    ['3、', 'cat:advice'],
    ['（2）', 'cat:demand'],
    ['③', 'cat:advice'],
    ['二', 'cat:demand'],
    ['第三个', 'cat:advice'],
    ['投诉举报', 'cat:complaint'],
    ['投诉', 'cat:complaint'],
    ['request', 'cat:demand'],
    [' SUGGESTION ', 'cat:advice'],
    ['意见 建议。', 'cat:advice'],
  ])('%j picks %s', (text, action) => {
    expect(parseChoice({ text }, options)?.action).toBe(action);
  });

  it.each(['0', '4', '十', '其他', ''])('%j picks nothing', (text) => {
    expect(parseChoice({ text }, options)).toBeUndefined();
  });

  it('returns the caller’s own option type', () => {
    expect(parseChoice({ text: '3' }, options)?.code).toBe('advice');
  });
});

describe('limitLength and textLength', () => {
  it('leaves short text alone', () => {
    expect(limitLength('企业名称', 4)).toBe('企业名称');
  });

  it('cuts to max user-perceived characters, ellipsis included', () => {
    expect(limitLength('河南省住房和城乡建设厅', 5)).toBe('河南省住…');
    expect(textLength(limitLength('河南省住房和城乡建设厅', 5))).toBe(5);
    expect(limitLength('abcdef', 3, '')).toBe('abc');
  });

  it('never splits an emoji', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    expect(textLength(`${family}${family}ab`)).toBe(4);
    expect(limitLength(`${family}${family}${family}`, 2)).toBe(`${family}…`);
  });

  it('cuts without an ellipsis when there is no room for one', () => {
    expect(limitLength('abc', 1)).toBe('a');
    expect(limitLength('abc', 0)).toBe('');
  });
});

describe('isEmojiOnly', () => {
  it.each(['👍', '👍🏻 🙏', '👨‍👩‍👧', '🇨🇳', '1️⃣', '❤️'])('%j is emoji only', (text) => {
    expect(isEmojiOnly(text)).toBe(true);
  });

  it.each(['', '   ', '好👍', '123', '#', 'ok', '。'])('%j is not', (text) => {
    expect(isEmojiOnly(text)).toBe(false);
  });
});

describe('isEmptyInput', () => {
  it('is true only when there is nothing a step could use', () => {
    expect(isEmptyInput({ text: ' \u200b', attachments: [] })).toBe(true);
    expect(isEmptyInput({ text: '', attachments: [{ kind: 'sticker', fileRef: 's' }] })).toBe(true);
    expect(isEmptyInput({ text: '', attachments: [{ kind: 'document', fileRef: 'd' }] })).toBe(false);
    expect(isEmptyInput({ text: '', action: 'x', attachments: [] })).toBe(false);
    expect(isEmptyInput({ text: '👍', attachments: [] })).toBe(false);
  });
});
