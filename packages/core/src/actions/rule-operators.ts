/**
 * The closed vocabularies of rule evaluation: what a condition may spend, which operators it may
 * use, and which names a path may not step through. Documented in docs/actions.md.
 */

/**
 * What one evaluation of one condition may spend. Steps are counted, not timed, so that a
 * condition exceeds its budget on every machine or on none: one step per node evaluated (an
 * iterator's body counts once per item) plus one per array element, object key or 100 string
 * characters of every intermediate value, since building and inspecting them is the real work.
 */
export const RULE_BOUNDS = {
  /** Steps of one rule's condition. */
  steps: 20_000,
  /** Steps of all the rules of one track together; the rules past it are not evaluable. */
  stepsPerTrack: 100_000,
  /** Nested evaluations (operators within operators, iterator bodies within iterators). */
  depth: 48,
  /** Elements of any one array, and keys of any one object. */
  arrayLength: 1000,
  /** Characters of any one string. */
  stringLength: 10_000,
  /** Array elements, object keys and string characters (per 100) in one value, nested included. */
  valueCells: 10_000,
  /** Levels of arrays within arrays of a value. */
  valueDepth: 16,
} as const;

/** Every operator a condition may use; anything else is refused when rules are saved. */
export const RULE_OPERATOR_NAMES = [
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  'and',
  'or',
  '!',
  '!!',
  'not',
  'if',
  '?:',
  '??',
  'in',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'cat',
  'substr',
  'length',
  'var',
  'val',
  'get',
  'exists',
  'missing',
  'missing_some',
  'keys',
  'some',
  'all',
  'every',
  'none',
  'map',
  'filter',
  'reduce',
  'merge',
] as const;

/** {@link RULE_OPERATOR_NAMES} as a set. */
export const RULE_OPERATORS: ReadonlySet<string> = new Set(RULE_OPERATOR_NAMES);

/** Operators whose second argument is evaluated once per item of the first, in the item's scope. */
export const ITERATOR_OPERATORS: ReadonlySet<string> = new Set([
  'map',
  'filter',
  'reduce',
  'some',
  'all',
  'every',
  'none',
]);

/** Property names a path may never step through: they lead out of the data into JavaScript. */
export const FORBIDDEN_PATH_SEGMENTS: ReadonlySet<string> = new Set([
  '__proto__',
  'prototype',
  'constructor',
]);
