/**
 * 好差评: five levels, best first. 不满意 or worse is a bad rating, which reopens the ticket for 整改.
 */
export const RATING_LEVELS = ['very-satisfied', 'satisfied', 'basically-satisfied', 'dissatisfied', 'very-dissatisfied'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const RATING_LABELS: Readonly<Record<RatingLevel, { zh: string; en: string }>> = {
  'very-satisfied': { zh: '非常满意', en: 'Very satisfied' },
  satisfied: { zh: '满意', en: 'Satisfied' },
  'basically-satisfied': { zh: '基本满意', en: 'Basically satisfied' },
  dissatisfied: { zh: '不满意', en: 'Dissatisfied' },
  'very-dissatisfied': { zh: '非常不满意', en: 'Very dissatisfied' },
};

/** A bad rating reopens the ticket to the supervisor. */
export function isBadRating(level: RatingLevel): boolean {
  return level === 'dissatisfied' || level === 'very-dissatisfied';
}

/** Counts toward the satisfaction rate (满意率): 非常满意, 满意, 基本满意. */
export function isSatisfied(level: RatingLevel): boolean {
  return !isBadRating(level);
}

/**
 * Reads what a person typed or tapped: the level id, its Chinese or English label, or its number
 * 1–5 (1 = 非常满意). Undefined when it is none of those.
 */
export function parseRating(input: string): RatingLevel | undefined {
  const text = input.trim().replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const byNumber = /^[1-5]$/.test(text) ? RATING_LEVELS[Number(text) - 1] : undefined;
  if (byNumber) return byNumber;
  const lower = text.toLowerCase();
  return RATING_LEVELS.find((level) => level === lower || RATING_LABELS[level].zh === text || RATING_LABELS[level].en.toLowerCase() === lower);
}
