/**
 * Errors the pure domain throws. Each carries a stable `code` that callers branch on and i18n texts are
 * keyed by, so the English `message` is for logs only and may change without breaking anyone.
 */

/** Values an i18n text may interpolate; kept flat so they serialise into logs and job payloads as-is. */
export type DomainErrorParams = Record<string, string | number>;

/**
 * A rule of the domain was broken by the caller's input (unknown category, invalid profile, ...).
 * `code` is dotted and stable, e.g. `category.unknown`; `params` names the offending values.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  readonly code: string;
  readonly params?: DomainErrorParams;

  constructor(code: string, message: string, params?: DomainErrorParams) {
    super(message);
    this.code = code;
    if (params !== undefined) this.params = params;
  }
}

/** One problem found in a department profile, with the path into the document (`categories[3].lead`). */
export interface ProfileIssue {
  path: string;
  message: string;
}

/**
 * A department profile failed validation. All problems are collected before throwing, so whoever edits
 * the YAML sees every mistake in one run instead of fixing them one restart at a time.
 */
export class ProfileError extends DomainError {
  override readonly name: string = 'ProfileError';
  readonly issues: readonly ProfileIssue[];

  constructor(issues: readonly ProfileIssue[]) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
    super('profile.invalid', `invalid profile (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
      count: issues.length,
    });
    this.issues = issues;
  }
}
