import {
  type PasskeyRequirement,
  parsePasskeyRequirement,
} from '../authenticators/passkey-requirement.ts';
import { LatchkeyError } from '../errors.ts';
import { ACTION_CODE_PATTERN, RULE_OUTCOMES, type RuleOutcome } from './action-states.ts';
import { FORBIDDEN_PATH_SEGMENTS, ITERATOR_OPERATORS, RULE_OPERATORS } from './rule-operators.ts';
import { NO_PASSKEYS, RULE_CONTEXT_ROOTS, type RuleContext } from './rule-variables.ts';
import { evaluateCondition } from './rules-engine.ts';

/** A JSONLogic condition: an operator object, or a literal that is its own truth value. */
export type Condition = Record<string, unknown> | boolean;

/** One rule of an action: when its condition holds, its outcome competes by priority. */
export interface ActionRule {
  ruleId: string;
  name: string;
  description: string | null;
  isActive: boolean;
  /** 0–99; of the rules that match, the lowest number decides. */
  priority: number;
  outcome: RuleOutcome;
  conditions: Condition;
}

/** What an action code does: a default outcome and its rules. */
export interface ActionConfig {
  defaultOutcome: RuleOutcome;
  rules: ActionRule[];
  /** What the passkey that meets this action's challenge must be; absent or null: any. */
  passkeyRequirement?: PasskeyRequirement | null;
}

/** Bounds on a configuration, so that evaluating it stays cheap on every track. */
export const RULE_LIMITS = {
  rules: 50,
  conditionNodes: 500,
  conditionDepth: 16,
  textLength: 200,
} as const;

const RULE_KEYS = new Set([
  'ruleId',
  'name',
  'description',
  'isActive',
  'priority',
  'outcome',
  'type',
  'conditions',
]);

function invalid(message: string): never {
  throw new LatchkeyError('invalid_request', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function outcome(value: unknown, where: string): RuleOutcome {
  if (typeof value === 'string' && (RULE_OUTCOMES as readonly string[]).includes(value)) {
    return value as RuleOutcome;
  }
  return invalid(`${where} must be one of ${RULE_OUTCOMES.join(', ')}`);
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > RULE_LIMITS.textLength) {
    return invalid(
      `${where} must be a non-empty string of at most ${RULE_LIMITS.textLength} characters`,
    );
  }
  return value;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64);
}

/** A path segment written into the condition, as opposed to one computed while it runs. */
function isLiteralSegment(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number';
}

/**
 * Checks the path of a `var`, `val` or `get`: written out (a computed path could reach anything,
 * and no check here could see where), free of prototype names, and, outside an iterator's body,
 * starting at one of the documented names. Inside a body the data is the current item (or
 * `accumulator` and `current` in a reduce), whatever its shape.
 */
function checkPath(operator: string, args: unknown, where: string, scoped: boolean): void {
  const list = Array.isArray(args) ? args : [args];
  let segments: unknown[];
  if (operator === 'var') segments = [list[0] ?? ''];
  else if (operator === 'get') segments = [list[1]];
  else segments = Array.isArray(list[0]) && scoped ? list.slice(1) : list;
  for (const segment of segments) {
    if (!isLiteralSegment(segment)) {
      invalid(`${where}: the path of ${operator} must be written out, not computed`);
    }
    for (const part of String(segment).split('.')) {
      if (FORBIDDEN_PATH_SEGMENTS.has(part)) invalid(`${where}: the path ${part} is not allowed`);
    }
  }
  if (scoped || operator === 'get') return;
  const first = segments[0] as string | number;
  const root = String(first).split('.')[0] as string;
  if (first !== '' && !RULE_CONTEXT_ROOTS.has(root)) {
    invalid(`${where}: unknown variable ${JSON.stringify(first)} (see docs/actions.md)`);
  }
}

/** Checks one JSONLogic node: only known operators, `var` paths into the documented data. */
function checkCondition(
  node: unknown,
  where: string,
  depth: number,
  budget: { nodes: number },
  scoped = false,
): void {
  if (--budget.nodes < 0) {
    invalid(`${where}: conditions have more than ${RULE_LIMITS.conditionNodes} nodes`);
  }
  if (depth > RULE_LIMITS.conditionDepth) {
    invalid(`${where}: conditions nest deeper than ${RULE_LIMITS.conditionDepth} levels`);
  }
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      checkCondition(item, `${where}[${i}]`, depth + 1, budget, scoped);
    });
    return;
  }
  if (!isObject(node)) return;
  const keys = Object.keys(node);
  if (keys.length !== 1) {
    invalid(`${where}: an operator object must have exactly one key, found ${keys.length}`);
  }
  const operator = keys[0] as string;
  if (!RULE_OPERATORS.has(operator)) {
    invalid(`${where}: unknown operator ${JSON.stringify(operator)}`);
  }
  const args = node[operator];
  if (operator === 'var' || operator === 'val' || operator === 'get') {
    checkPath(operator, args, `${where}.${operator}`, scoped);
  }
  if (ITERATOR_OPERATORS.has(operator) && Array.isArray(args)) {
    // The body (the second argument) runs once per item, in the item's scope.
    args.forEach((item, i) => {
      checkCondition(item, `${where}.${operator}[${i}]`, depth + 2, budget, scoped || i === 1);
    });
    budget.nodes--;
    return;
  }
  checkCondition(args, `${where}.${operator}`, depth + 1, budget, scoped);
}

/** What a condition sees on a track without attributes, of a new user without passkeys. */
const BARE_CONTEXT: RuleContext = {
  custom: {},
  actionCode: 'probe',
  ipAddress: null,
  ip: null,
  userAgent: null,
  deviceId: null,
  email: null,
  phoneNumber: null,
  username: null,
  isNewUser: true,
  isNewDevice: null,
  isNewIpAddress: null,
  isEnrolled: false,
  passkeyCount: 0,
  secondsSinceLastVerified: null,
  passkeys: NO_PASSKEYS,
};

/**
 * Refuses a condition that exceeds an evaluation bound whatever is tracked: one that does so on a
 * bare track, which is what a condition growing its own literals (a reduce that doubles an array)
 * does. A condition that exceeds one only on some attributes is caught when it runs.
 */
function checkBounds(conditions: Condition, where: string): void {
  const result = evaluateCondition(conditions, BARE_CONTEXT);
  if (!result.ok && result.bound) {
    invalid(`${where}: evaluating the condition ${result.message}`);
  }
}

function parseRule(value: unknown, index: number): ActionRule {
  const where = `rules[${index}]`;
  if (!isObject(value)) return invalid(`${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (!RULE_KEYS.has(key)) invalid(`${where} has an unknown field ${JSON.stringify(key)}`);
  }
  const name = text(value.name, `${where}.name`);
  const ruleId =
    value.ruleId === undefined ? slug(name) : text(value.ruleId, `${where}.ruleId`).trim();
  if (!ACTION_CODE_PATTERN.test(ruleId)) {
    invalid(`${where}.ruleId must be 1–64 letters, digits, '-', '_', '.' or ':'`);
  }
  const description =
    value.description === undefined || value.description === null
      ? null
      : text(value.description, `${where}.description`);
  if (value.isActive !== undefined && typeof value.isActive !== 'boolean') {
    invalid(`${where}.isActive must be true or false`);
  }
  const { priority } = value;
  if (
    typeof priority !== 'number' ||
    !Number.isInteger(priority) ||
    priority < 0 ||
    priority > 99
  ) {
    invalid(`${where}.priority must be a whole number from 0 to 99`);
  }
  if (value.outcome !== undefined && value.type !== undefined && value.outcome !== value.type) {
    invalid(`${where} has both outcome and type, and they differ`);
  }
  const decided = outcome(value.outcome ?? value.type, `${where}.outcome`);
  const { conditions } = value;
  if (!isObject(conditions) && typeof conditions !== 'boolean') {
    invalid(`${where}.conditions must be a JSONLogic object (or true/false)`);
  }
  checkCondition(conditions, `${where}.conditions`, 0, { nodes: RULE_LIMITS.conditionNodes });
  checkBounds(conditions, `${where}.conditions`);
  return {
    ruleId,
    name,
    description,
    isActive: value.isActive ?? true,
    priority,
    outcome: decided,
    conditions,
  };
}

/**
 * Validates an action configuration (as read from a rules file or an HTTP body) and returns it in
 * full form. Every problem is an `invalid_request` naming the field, e.g. `rules[0].conditions.>:
 * unknown operator "foo"`. A rule without `ruleId` gets one from its name.
 *
 * @example
 * parseActionConfig({ defaultOutcome: 'ALLOW', rules: [{ name: 'large transfer', priority: 10,
 *   outcome: 'CHALLENGE', conditions: { '>': [{ var: 'custom.amount' }, 5000] } }] });
 */
export function parseActionConfig(input: unknown): ActionConfig {
  if (!isObject(input)) return invalid('the configuration must be a JSON object');
  for (const key of Object.keys(input)) {
    if (key !== 'defaultOutcome' && key !== 'rules' && key !== 'passkeyRequirement') {
      invalid(
        `unknown field ${JSON.stringify(key)} (expected defaultOutcome, rules and passkeyRequirement)`,
      );
    }
  }
  const defaultOutcome = outcome(input.defaultOutcome, 'defaultOutcome');
  const list = input.rules ?? [];
  if (!Array.isArray(list)) return invalid('rules must be an array');
  if (list.length > RULE_LIMITS.rules) invalid(`at most ${RULE_LIMITS.rules} rules per action`);
  const rules = list.map(parseRule);
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.ruleId)) invalid(`two rules have the ruleId ${JSON.stringify(rule.ruleId)}`);
    ids.add(rule.ruleId);
  }
  const passkeyRequirement = parsePasskeyRequirement(
    input.passkeyRequirement,
    'passkeyRequirement',
  );
  return { defaultOutcome, rules, ...(passkeyRequirement ? { passkeyRequirement } : {}) };
}

/** Checks an action code as it arrives in a path or a flag. */
export function assertActionCode(code: string): string {
  if (!ACTION_CODE_PATTERN.test(code)) {
    invalid("an action code is 1–64 letters, digits, '-', '_', '.' or ':'");
  }
  return code;
}
