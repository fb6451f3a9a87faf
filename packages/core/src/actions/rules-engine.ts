import { LogicEngine } from 'json-logic-engine';
import { FORBIDDEN_PATH_SEGMENTS, RULE_BOUNDS, RULE_OPERATORS } from './rule-operators.ts';

/** A condition went past one of {@link RULE_BOUNDS}; the message names which. */
export class RuleBoundError extends Error {
  override name = 'RuleBoundError';
}

/** Thrown by the operators below when an operand has a type the operator does not take. */
class RuleTypeError extends Error {
  override name = 'RuleTypeError';
}

interface Budget {
  steps: number;
  depth: number;
  max: number;
}

/** Counts the cells of a value without recursion, refusing it as soon as it is too big. */
function measure(value: unknown): number {
  if (typeof value === 'string') return 1 + Math.floor(checkString(value) / 100);
  if (typeof value !== 'object' || value === null) return 1;
  let cells = 0;
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop() as { value: object; depth: number };
    if (top.depth > RULE_BOUNDS.valueDepth) {
      throw new RuleBoundError(`a value nests deeper than ${RULE_BOUNDS.valueDepth} levels`);
    }
    const items = Array.isArray(top.value) ? top.value : Object.values(top.value);
    if (items.length > RULE_BOUNDS.arrayLength) {
      throw new RuleBoundError(`an array or object exceeds ${RULE_BOUNDS.arrayLength} elements`);
    }
    cells += items.length + 1;
    for (const item of items) {
      if (typeof item === 'string') cells += Math.floor(checkString(item) / 100);
      else if (typeof item === 'object' && item !== null) {
        stack.push({ value: item, depth: top.depth + 1 });
      }
    }
    if (cells > RULE_BOUNDS.valueCells) {
      throw new RuleBoundError(`a value exceeds ${RULE_BOUNDS.valueCells} elements in all`);
    }
  }
  return cells;
}

function checkString(value: string): number {
  if (value.length > RULE_BOUNDS.stringLength) {
    throw new RuleBoundError(`a string exceeds ${RULE_BOUNDS.stringLength} characters`);
  }
  return value.length;
}

/** A path given to `var`, `val` or `get`, checked segment by segment. */
function checkPath(path: unknown): void {
  const segments = Array.isArray(path) ? path : [path];
  for (const segment of segments) {
    if (Array.isArray(segment)) continue; // val's scope climb, e.g. [[1], "x"]
    for (const part of String(segment).split('.')) {
      if (FORBIDDEN_PATH_SEGMENTS.has(part)) {
        throw new RuleTypeError(`the path ${JSON.stringify(path)} is not allowed`);
      }
    }
  }
}

/** A relational operand: a number, or a string that is one ("7500", not "7,500" or "$7500"). */
function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

/**
 * The JSONLogic engine, with every evaluation counted and every value measured. Only
 * {@link evaluateCondition} may run it: outside one there is no budget and `run` refuses.
 */
class BoundedEngine extends LogicEngine {
  budget: Budget | null = null;

  constructor() {
    // Interpreted optimisation compiles conditions into closures that bypass `run`, and so the
    // budget: it stays off.
    super(undefined, {
      disableInterpretedOptimization: true,
      maxDepth: RULE_BOUNDS.valueDepth,
      maxArrayLength: RULE_BOUNDS.arrayLength,
      maxStringLength: RULE_BOUNDS.stringLength,
    });
    const methods = this.methods as Record<string, unknown>;
    for (const name of Object.keys(methods)) {
      if (!RULE_OPERATORS.has(name)) delete methods[name];
    }
    this.guardPaths(methods);
    this.guardTypes(methods);
  }

  /** `var`, `val` and `get` refuse paths into the prototype, whether written or computed. */
  private guardPaths(methods: Record<string, unknown>): void {
    for (const name of ['var', 'val'] as const) {
      const original = methods[name] as { method: (...a: unknown[]) => unknown };
      methods[name] = {
        deterministic: true,
        method: (args: unknown, ...rest: unknown[]) => {
          // A var's second argument is its default value, not a path.
          checkPath(name === 'var' && Array.isArray(args) ? args[0] : args);
          return original.method(args, ...rest);
        },
      };
    }
    const get = methods.get as { method: (...a: unknown[]) => unknown };
    methods.get = {
      deterministic: true,
      method: (args: unknown[], ...rest: unknown[]) => {
        checkPath(args[1]);
        return get.method(args, ...rest);
      },
    };
  }

  /**
   * The operators the engine lets coerce silently get their operand types checked: a relational
   * comparison of a boolean, array or object, arithmetic that yields NaN or Infinity, and string
   * operators on non-strings are errors, so that the rule counts as not evaluable.
   */
  private guardTypes(methods: Record<string, unknown>): void {
    for (const name of ['<', '<=', '>', '>='] as const) {
      const original = methods[name] as { method: (...a: unknown[]) => unknown };
      methods[name] = {
        deterministic: true,
        lazy: true,
        method: (args: unknown, context: unknown, above: unknown, engine: BoundedEngine) => {
          if (!Array.isArray(args)) throw new RuleTypeError(`${name} takes an array of operands`);
          const values = args.map((arg) => engine.run(arg, context, { above }));
          const allStrings = values.every((v) => typeof v === 'string' || v === null);
          if (!allStrings && values.some((v) => v !== null && !isNumeric(v))) {
            throw new RuleTypeError(`${name} compares a value that is not a number`);
          }
          // The operands are literals now: the original only compares them.
          return original.method(values, context, above, engine);
        },
      };
    }
    for (const name of ['+', '-', '*', '/', '%', 'min', 'max'] as const) {
      const original = methods[name] as (...a: unknown[]) => unknown;
      methods[name] = (...params: unknown[]) => {
        const result = original(...params);
        if (typeof result === 'number' && !Number.isFinite(result)) {
          throw new RuleTypeError(`${name} does not yield a finite number`);
        }
        return result;
      };
    }
    const substr = methods.substr as (args: unknown[]) => unknown;
    methods.substr = (args: unknown[]) => {
      if (typeof args[0] !== 'string') throw new RuleTypeError('substr takes a string');
      return substr(args);
    };
    const inside = methods.in as (args: unknown[]) => unknown;
    methods.in = (args: unknown[]) => {
      const haystack = args[1];
      // null is a missing attribute, in which nothing is found (as the engine has it).
      if (haystack !== null && typeof haystack !== 'string' && !Array.isArray(haystack)) {
        throw new RuleTypeError('in looks into a string or an array');
      }
      return inside(args);
    };
  }

  override run(logic: unknown, data?: unknown, options?: { above?: unknown }): unknown {
    const budget = this.budget;
    if (budget === null) throw new Error('conditions run only through evaluateCondition');
    if (++budget.steps > budget.max) {
      throw new RuleBoundError(`evaluation exceeds ${budget.max} steps`);
    }
    if (++budget.depth > RULE_BOUNDS.depth) {
      throw new RuleBoundError(`evaluation nests deeper than ${RULE_BOUNDS.depth} levels`);
    }
    try {
      const result = super.run(logic, data, options);
      budget.steps += measure(result) - 1;
      if (budget.steps > budget.max) {
        throw new RuleBoundError(`evaluation exceeds ${budget.max} steps`);
      }
      return result;
    } finally {
      budget.depth--;
    }
  }
}

const engine = new BoundedEngine();

/** What evaluating one condition gave: its value, or why it could not be evaluated. */
export type EvaluationResult =
  | { ok: true; value: unknown; steps: number }
  | { ok: false; bound: boolean; message: string; steps: number };

/** What evaluating one condition as a rule gave: whether it holds, or why it could not say. */
export type ConditionResult =
  | { ok: true; matches: boolean; steps: number }
  | { ok: false; bound: boolean; message: string; steps: number };

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'number' && Number.isNaN(error)) return 'a value is not a number';
  if (typeof error === 'object' && error !== null && 'type' in error) {
    return String((error as { type: unknown }).type).toLowerCase();
  }
  return String(error);
}

/**
 * Evaluates a JSONLogic expression within {@link RULE_BOUNDS} and returns its value. Never
 * throws: an expression that throws, meets an operand of the wrong type, or exceeds a bound
 * comes back as `ok: false`.
 *
 * @example
 * evaluateExpression({ '+': [1, 2] }, {}) // { ok: true, value: 3, steps: 4 }
 */
export function evaluateExpression(
  expression: unknown,
  data: object,
  maxSteps: number = RULE_BOUNDS.steps,
): EvaluationResult {
  const budget: Budget = { steps: 0, depth: 0, max: Math.min(maxSteps, RULE_BOUNDS.steps) };
  const outer = engine.budget;
  engine.budget = budget;
  try {
    const value = engine.run(expression, data);
    return { ok: true, value, steps: budget.steps };
  } catch (error) {
    // A RangeError is the engine's own recursion or allocation giving up: a bound too.
    const bound = error instanceof RuleBoundError || error instanceof RangeError;
    return { ok: false, bound, message: describe(error), steps: budget.steps };
  } finally {
    engine.budget = outer;
  }
}

/**
 * Evaluates a rule's condition within {@link RULE_BOUNDS}: whether it holds (JSONLogic truth),
 * or why it could not be evaluated. Never throws.
 *
 * @example
 * evaluateCondition({ '>': [{ var: 'custom.amount' }, 5000] }, context) // { ok: true, matches: true, … }
 */
export function evaluateCondition(
  condition: unknown,
  data: object,
  maxSteps: number = RULE_BOUNDS.steps,
): ConditionResult {
  const result = evaluateExpression(condition, data, maxSteps);
  if (!result.ok) return result;
  return { ok: true, matches: Boolean(engine.truthy(result.value)), steps: result.steps };
}
