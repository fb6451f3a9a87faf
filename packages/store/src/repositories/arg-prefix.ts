/**
 * Several rows in one prepared statement: each row's arguments live under a prefix of their own
 * (`e0_id`, `e1_id`, …), since a prepared statement's arguments are one flat object.
 */

/**
 * A view of `args` under `prefix`: `view.id` is `args[prefix + 'id']`. Works on the placeholders a
 * prepared statement is built with as on real arguments.
 *
 * @example
 * const event = underPrefix<AuditRow>(a, 'e0_'); // event.id → a.e0_id
 */
export function underPrefix<T extends object>(args: object, prefix: string): T {
  return new Proxy({} as T, {
    get: (_target, key) => (args as Record<string, unknown>)[`${prefix}${String(key)}`],
  });
}

/**
 * The arguments of one row under `prefix`, to spread into a prepared statement's arguments.
 *
 * @example
 * prepared({ ...withPrefix('e0_', row), ...otherArgs });
 */
export function withPrefix(prefix: string, values: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) out[`${prefix}${key}`] = value;
  return out;
}
