/** How many requests a stage gets, and which users they are for. */

/**
 * How many requests keep a stage of this rate busy for `duration` seconds, within
 * [`minPerStage`, 40,000].
 *
 * @example
 * stageSize(1200, { duration: 3, minPerStage: 100 }); // 3600
 */
export function stageSize(rate: number, plan: { duration: number; minPerStage: number }): number {
  const count = Math.round(rate * plan.duration);
  return Math.max(plan.minPerStage, Math.min(40_000, Number.isFinite(count) ? count : 0));
}

/**
 * `count` items taken from `items` in turn, starting at `offset`.
 *
 * @example
 * cycle(['a', 'b'], 3, 1); // ['b', 'a', 'b']
 */
export function cycle<T>(items: T[], count: number, offset = 0): T[] {
  return Array.from({ length: count }, (_, i) => items[(i + offset) % items.length]!);
}
