import type { RouteOptions } from 'fastify';

/** The request phases a hook can be added to on one route. */
type RoutePhase = 'onRequest' | 'preValidation' | 'onSend' | 'onResponse' | 'onError';

/** A hook of one phase, as a route's options take it. */
type RouteHook<P extends RoutePhase> =
  NonNullable<RouteOptions[P]> extends infer H ? (H extends readonly (infer F)[] ? F : H) : never;

/** How many hooks of each phase {@link addRouteHook} has put in front of a route's own. */
const ADDED = Symbol('hooks added in front of the route');

type MarkedRoute = RouteOptions & { [ADDED]?: Partial<Record<RoutePhase, number>> };

/**
 * Adds `hook` to one route. Called from an `onRoute` hook, it puts a hook on only the routes that
 * need it: Fastify then runs nothing at all for the others, where an application-wide hook runs
 * (and, if async, allocates a promise) on every request only to find that it has nothing to do.
 *
 * The hook goes after those added this way before it and in front of the route's own (an
 * `authorize` in its options): the order it would have had as an application or plugin hook. The
 * application's and the plugin's hooks of the phase still run first.
 *
 * @example
 * app.addHook('onRoute', (route) => {
 *   if (route.url.startsWith('/v1/client/')) addRouteHook(route, 'onRequest', clientCors);
 * });
 */
export function addRouteHook<P extends RoutePhase>(
  route: RouteOptions,
  phase: P,
  hook: RouteHook<P>,
): void {
  const existing = route[phase] as unknown;
  const hooks = existing === undefined ? [] : Array.isArray(existing) ? [...existing] : [existing];
  const marked = route as MarkedRoute;
  const added = marked[ADDED] ?? {};
  marked[ADDED] = added;
  const at = added[phase] ?? 0;
  hooks.splice(at, 0, hook);
  added[phase] = at + 1;
  (route as unknown as Record<string, unknown>)[phase] = hooks;
}

/** The methods of a route, as a list. */
export function routeMethods(route: Pick<RouteOptions, 'method'>): readonly string[] {
  return Array.isArray(route.method) ? route.method : [route.method as string];
}
