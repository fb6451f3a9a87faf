import { LogicEngine } from 'json-logic-engine';

/**
 * The one JSONLogic engine rules run on, with the library's default operators only and bounds on
 * what a condition may build while it runs, so that a stored rule cannot make a track slow.
 */
export const rulesEngine: LogicEngine = new LogicEngine(undefined, {
  maxDepth: 32,
  maxArrayLength: 1000,
  maxStringLength: 10_000,
});

/**
 * Operators a condition may use: the engine's defaults, less those that only make sense in
 * programs rather than in conditions (raising errors, quoting data, iterating object keys).
 */
export const RULE_OPERATORS: ReadonlySet<string> = new Set(
  Object.keys(rulesEngine.methods as Record<string, unknown>).filter(
    (name) => !['throw', 'try', 'preserve', 'eachKey', 'pipe'].includes(name),
  ),
);
