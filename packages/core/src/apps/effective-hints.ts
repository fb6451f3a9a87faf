import type { AppPolicy, Hint } from './policy.ts';

/**
 * The `hints` a ceremony's options carry: the first list given of the start's own, the
 * transaction's and the app's policy, as a field to spread into the options (absent when that list
 * is empty, so the browser decides). Hints are advice to the browser's UI and constrain nothing
 * that the server checks.
 *
 * @example
 * const options = { challenge, ...effectiveHints(app.policy, startHints, transaction.hints) };
 */
export function effectiveHints(
  policy: AppPolicy,
  ...overrides: ReadonlyArray<readonly Hint[] | null | undefined>
): { hints?: Hint[] } {
  const chosen = overrides.find((list) => list !== null && list !== undefined) ?? policy.hints;
  return chosen.length > 0 ? { hints: [...chosen] } : {};
}
