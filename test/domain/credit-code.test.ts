import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckChar, normalizeCreditCode } from '../../src/domain/credit-code.ts';

// A published example code (used in GB 32100 explanations): check character 3.
const VALID = '91350100M000100Y43';

describe('credit code (GB 32100-2015)', () => {
  it('accepts a valid code', () => {
    expect(checkCreditCode(VALID)).toEqual({ ok: true, code: VALID });
  });

  it('computes the check character', () => {
    expect(creditCodeCheckChar(VALID.slice(0, 17))).toBe('3');
  });

  it('normalises lower case, full-width characters, spaces and dashes', () => {
    expect(normalizeCreditCode(' ９１３５０１００ｍ000100y4-3 ')).toBe(VALID);
    expect(checkCreditCode('９１３５０１００ｍ000100y43')).toEqual({ ok: true, code: VALID });
  });

  it('names a wrong length', () => {
    expect(checkCreditCode('91350100M000100Y4')).toEqual({ ok: false, problem: 'length', length: 17 });
  });

  it('names the position of a character outside the alphabet', () => {
    expect(checkCreditCode('91350100M0001O0Y43')).toEqual({ ok: false, problem: 'character', position: 14, char: 'O' });
  });

  it('names a bad administrative division', () => {
    expect(checkCreditCode('910A0100M000100Y43')).toMatchObject({ ok: false, problem: 'division', division: '0A0100' });
  });

  it('names the expected check character', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, problem: 'check', expected: '3', got: '4' });
  });

  it('calls empty input empty', () => {
    expect(checkCreditCode('  ')).toEqual({ ok: false, problem: 'empty' });
  });
});
