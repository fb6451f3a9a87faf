/**
 * The rule editor's model of a condition: clauses of field, operator and value joined by all/any,
 * and its translation to and from JSONLogic. Conditions the builder cannot express (nesting, other
 * operators) stay JSON, edited in the JSON view.
 */

/**
 * The operators the builder offers. Strict equality (`===`, `!==`) is the default, as in the
 * demo's rules; loose equality (`==`, `!=`, where "5" equals 5) is kept for rules that use it, so
 * the builder shows and writes back exactly the operator a rule has.
 */
export const OPERATORS = [
  { id: '===', label: 'equals', needsValue: true },
  { id: '!==', label: 'does not equal', needsValue: true },
  { id: '==', label: 'equals, loosely ("5" = 5)', needsValue: true },
  { id: '!=', label: 'does not equal, loosely', needsValue: true },
  { id: '>', label: 'is greater than', needsValue: true },
  { id: '>=', label: 'is at least', needsValue: true },
  { id: '<', label: 'is less than', needsValue: true },
  { id: '<=', label: 'is at most', needsValue: true },
  { id: 'in', label: 'is one of (comma-separated)', needsValue: true },
  { id: 'true', label: 'is true', needsValue: false },
  { id: 'false', label: 'is false', needsValue: false },
  { id: 'null', label: 'is empty', needsValue: false },
] as const;
export type OperatorId = (typeof OPERATORS)[number]['id'];

export interface Clause {
  /** A rule variable (`custom.<name>` for custom attributes). */
  path: string;
  operator: OperatorId;
  /** The value as typed; {@link parseValue} gives its JSON. */
  value: string;
}

export interface Built {
  join: 'and' | 'or';
  clauses: Clause[];
  /** Whether a single clause is written inside `and`/`or`, as the rule had it. */
  wrapped?: boolean;
}

type Scalar = string | number | boolean | null;

const COMPARISONS = new Set(['===', '!==', '==', '!=', '>', '>=', '<', '<=']);
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/**
 * A typed value from what the operator typed: numbers, `true`, `false` and `null` as such; text
 * in double quotes as that text (so "500" can be a string); anything else as the text itself.
 */
export function parseValue(text: string): Scalar {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // Not a JSON string after all: the text itself.
    }
  }
  return text;
}

/** The text {@link parseValue} reads back as this very value (strings quoted where needed). */
export function formatValue(value: Scalar): string {
  if (typeof value !== 'string') return String(value);
  return parseValue(value) === value ? value : JSON.stringify(value);
}

/** A list item's text, or null when a comma-separated list cannot hold it faithfully. */
function formatItem(value: Scalar): string | null {
  if (typeof value !== 'string') return String(value);
  if (value.includes(',')) return null;
  return value.trim() === value && value !== '' ? formatValue(value) : JSON.stringify(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function clauseToLogic(clause: Clause): Record<string, unknown> {
  const variable = { var: clause.path };
  switch (clause.operator) {
    case 'true':
      return { '===': [variable, true] };
    case 'false':
      return { '===': [variable, false] };
    case 'null':
      return { '==': [variable, null] };
    case 'in':
      return {
        in: [
          variable,
          clause.value
            .split(',')
            .map((v) => v.trim())
            .filter((v) => v !== '')
            .map(parseValue),
        ],
      };
    default:
      return { [clause.operator]: [variable, parseValue(clause.value)] };
  }
}

/** JSONLogic for a built condition; no clauses means "always". */
export function toLogic(built: Built): unknown {
  const parts = built.clauses.map(clauseToLogic);
  if (parts.length === 0) return true;
  if (parts.length === 1 && !built.wrapped) return parts[0];
  return { [built.join]: parts };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function logicToClause(node: unknown): Clause | null {
  if (!isObject(node)) return null;
  const keys = Object.keys(node);
  if (keys.length !== 1) return null;
  const op = keys[0] as string;
  const args = node[op];
  if (!Array.isArray(args) || args.length !== 2) return null;
  const [variable, value] = args;
  if (!isObject(variable) || Object.keys(variable).length !== 1) return null;
  if (typeof variable.var !== 'string') return null;
  const path = variable.var;
  if (op === 'in') {
    if (!Array.isArray(value) || !value.every(isScalar)) return null;
    const items = value.map(formatItem);
    if (items.some((item) => item === null)) return null;
    return { path, operator: 'in', value: items.join(', ') };
  }
  if (!COMPARISONS.has(op) || !isScalar(value)) return null;
  if (op === '===' && value === true) return { path, operator: 'true', value: '' };
  if (op === '===' && value === false) return { path, operator: 'false', value: '' };
  if (op === '==' && value === null) return { path, operator: 'null', value: '' };
  return { path, operator: op as OperatorId, value: formatValue(value) };
}

/**
 * The builder's view of a JSONLogic condition, or null when it cannot show it faithfully: then
 * the rule is edited as JSON. `toLogic(fromLogic(x))` gives `x` back for every condition shown.
 */
export function fromLogic(logic: unknown): Built | null {
  if (logic === true) return { join: 'and', clauses: [] };
  const single = logicToClause(logic);
  if (single) return { join: 'and', clauses: [single] };
  if (!isObject(logic)) return null;
  const keys = Object.keys(logic);
  const join = keys[0];
  if (keys.length !== 1 || (join !== 'and' && join !== 'or')) return null;
  const list = logic[join];
  // An empty all/any is not "always" in JSONLogic: leave it to the JSON view.
  if (!Array.isArray(list) || list.length === 0) return null;
  const clauses = list.map(logicToClause);
  if (clauses.some((c) => c === null)) return null;
  return { join, clauses: clauses as Clause[], wrapped: clauses.length === 1 };
}

/** The custom attribute names a condition reads, for the dry run's form. */
export function customNames(logic: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(logic)) {
    for (const item of logic) customNames(item, found);
  } else if (isObject(logic)) {
    for (const [key, value] of Object.entries(logic)) {
      if (key === 'var' && typeof value === 'string' && value.startsWith('custom.')) {
        found.add(value.slice('custom.'.length));
      } else {
        customNames(value, found);
      }
    }
  }
  return found;
}
