import { describe, expect, it } from 'vitest';
import { RATING_LABELS, RATING_LEVELS, isBadRating, isSatisfied, parseRating, type RatingLevel } from '../../src/domain/rating.ts';

/** The five levels, best first, with the number a person types for each. */
const LEVELS: { n: number; level: RatingLevel; zh: string; en: string; bad: boolean }[] = [
  { n: 1, level: 'very-satisfied', zh: '非常满意', en: 'Very satisfied', bad: false },
  { n: 2, level: 'satisfied', zh: '满意', en: 'Satisfied', bad: false },
  { n: 3, level: 'basically-satisfied', zh: '基本满意', en: 'Basically satisfied', bad: false },
  { n: 4, level: 'dissatisfied', zh: '不满意', en: 'Dissatisfied', bad: true },
  { n: 5, level: 'very-dissatisfied', zh: '非常不满意', en: 'Very dissatisfied', bad: true },
];

/** A digit written full-width, as Chinese input methods type it (１ = U+FF11). */
const fullWidth = (n: number): string => String.fromCharCode(0xff10 + n);

describe('the five levels', () => {
  it('are listed best first with their labels', () => {
    expect(RATING_LEVELS).toEqual(LEVELS.map((l) => l.level));
    for (const { level, zh, en } of LEVELS) expect(RATING_LABELS[level]).toEqual({ zh, en });
  });
});

describe('parseRating', () => {
  it.each(LEVELS)('reads $n as $level', ({ n, level }) => {
    expect(parseRating(String(n))).toBe(level);
    expect(parseRating(` ${n}\n`)).toBe(level);
  });

  it.each(LEVELS)('reads the full-width digit for $n as $level', ({ n, level }) => {
    expect(parseRating(fullWidth(n))).toBe(level);
    expect(parseRating(`\u3000${fullWidth(n)}\u3000`)).toBe(level);
  });

  it.each(LEVELS)('reads the Chinese label $zh as $level', ({ zh, level }) => {
    expect(parseRating(zh)).toBe(level);
    expect(parseRating(` ${zh} `)).toBe(level);
  });

  it.each(LEVELS)('reads the English label "$en" as $level, in any case', ({ en, level }) => {
    expect(parseRating(en)).toBe(level);
    expect(parseRating(en.toUpperCase())).toBe(level);
    expect(parseRating(en.toLowerCase())).toBe(level);
  });

  it.each(LEVELS)('reads the id $level', ({ level }) => {
    expect(parseRating(level)).toBe(level);
    expect(parseRating(level.toUpperCase())).toBe(level);
  });

  it.each(['', '   ', '0', '6', '10', '12', '-1', '1.0', '+1', fullWidth(0), `${fullWidth(1)}${fullWidth(0)}`, '一', '好', '满', '非常', '很满意', 'good', 'very', 'satisfied!', 'very_satisfied', '1 满意'])(
    'returns undefined for %j',
    (input) => {
      expect(parseRating(input)).toBeUndefined();
    },
  );
});

describe('bad and satisfied', () => {
  it.each(LEVELS)('$level: bad $bad, satisfied !$bad', ({ level, bad }) => {
    expect(isBadRating(level)).toBe(bad);
    expect(isSatisfied(level)).toBe(!bad);
  });

  it('counts 基本满意 toward the satisfaction rate and 不满意 or worse as bad', () => {
    expect(RATING_LEVELS.filter(isSatisfied)).toEqual(['very-satisfied', 'satisfied', 'basically-satisfied']);
    expect(RATING_LEVELS.filter(isBadRating)).toEqual(['dissatisfied', 'very-dissatisfied']);
  });
});
