/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters — registration authority (1), organisation category (1),
 * administrative division (6), organisation code (9), check character (1) — over an alphabet of digits and
 * capitals without I, O, S, V, Z.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem =
  | { problem: 'empty' }
  | { problem: 'length'; length: number }
  | { problem: 'character'; position: number; char: string }
  | { problem: 'division'; division: string }
  | { problem: 'check'; expected: string; got: string };

export type CreditCodeResult = { ok: true; code: string } | ({ ok: false } & CreditCodeProblem);

/**
 * Folds what people type into the canonical form: full-width letters and digits to ASCII, lower case to
 * upper, and spaces or dashes (often pasted from documents) removed.
 */
export function normalizeCreditCode(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\-–—]/g, '')
    .toUpperCase();
}

/** The check character for the first 17 characters. */
export function creditCodeCheckChar(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(body17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** Validates a credit code after normalising it, saying which part is wrong. */
export function checkCreditCode(input: string): CreditCodeResult {
  const code = normalizeCreditCode(input);
  if (code.length === 0) return { ok: false, problem: 'empty' };
  if (code.length !== 18) return { ok: false, problem: 'length', length: [...code].length };
  for (let i = 0; i < code.length; i++) {
    const char = code.charAt(i);
    if (!ALPHABET.includes(char)) return { ok: false, problem: 'character', position: i + 1, char };
  }
  const division = code.slice(2, 8);
  if (!/^[1-9]\d{5}$/.test(division)) return { ok: false, problem: 'division', division };
  const expected = creditCodeCheckChar(code.slice(0, 17));
  const got = code.charAt(17);
  if (expected !== got) return { ok: false, problem: 'check', expected, got };
  return { ok: true, code };
}
