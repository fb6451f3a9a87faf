/**
 * The rule editor's model of a condition: clauses of field, operator and value joined by all/any,
 * and its translation to and from JSONLogic. Conditions the builder cannot express (nesting, other
 * operators) stay JSON, edited in the JSON view.
 */

export const OPERATORS = [
  { id: '==', label: 'equals', needsValue: true },
  { id: '!=', label: 'does not equal', needsValue: true },
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
  value: string;
}

export interface Built {
  join: 'and' | 'or';
  clauses: Clause[];
}

const COMPARISONS = new Set(['==', '!=', '>', '>=', '<', '<=']);

/** A typed value from what the operator typed: numbers and booleans as such, else text. */
export function parseValue(text: string): string | number | boolean {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  return text;
}

function clauseToLogic(clause: Clause): Record<string, unknown> {
  const variable = { var: clause.path };
  switch (clause.operator) {
    case 'true':
      return { '==': [variable, true] };
    case 'false':
      return { '==': [variable, false] };
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
  if (parts.length === 1) return parts[0];
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
  if (!isObject(variable) || typeof variable.var !== 'string') return null;
  const path = variable.var;
  if (op === 'in') {
    if (!Array.isArray(value) || value.some((v) => isObject(v) || Array.isArray(v))) return null;
    return { path, operator: 'in', value: value.map(String).join(', ') };
  }
  if (!COMPARISONS.has(op)) return null;
  if (op === '==' && value === true) return { path, operator: 'true', value: '' };
  if (op === '==' && value === false) return { path, operator: 'false', value: '' };
  if (op === '==' && value === null) return { path, operator: 'null', value: '' };
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return null;
  }
  return { path, operator: op as OperatorId, value: String(value) };
}

/** The builder's view of a JSONLogic condition, or null when it cannot show it. */
export function fromLogic(logic: unknown): Built | null {
  if (logic === true) return { join: 'and', clauses: [] };
  const single = logicToClause(logic);
  if (single) return { join: 'and', clauses: [single] };
  if (!isObject(logic)) return null;
  const keys = Object.keys(logic);
  const join = keys[0];
  if (keys.length !== 1 || (join !== 'and' && join !== 'or')) return null;
  const list = logic[join];
  if (!Array.isArray(list)) return null;
  const clauses = list.map(logicToClause);
  if (clauses.some((c) => c === null)) return null;
  return { join, clauses: clauses as Clause[] };
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
