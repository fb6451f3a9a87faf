/**
 * Stages of one request that does no ceremony work: what an HTTP layer costs. The bare Fastify
 * routes of the reference server (`POST /trivial`, `GET /healthz`), latchkey's `GET /healthz`
 * (every hook, no database), and a latchkey sign-in start refused by its body schema.
 */
import type { LatchkeyTarget } from './latchkey-phases.ts';
import { runStage, type StageResult, type StageTarget } from './run-stage.ts';

/** `count` requests to one route, each with `body(i)` (none: no body). */
function routeStage(
  server: StageTarget,
  route: { method: 'GET' | 'POST'; path: string; body?: (i: number) => string },
  count: number,
  connections: number,
): Promise<StageResult> {
  const { body } = route;
  return runStage({
    server,
    method: route.method,
    path: route.path,
    requests: Array.from({ length: count }, (_, i) => (body ? { body: body(i) } : {})),
    connections,
  });
}

/**
 * `count` × `POST /trivial` (a small JSON body in, `{ ok: true }` out).
 *
 * @example
 * const stage = await trivialStage(reference, 5000, 10);
 */
export function trivialStage(
  server: StageTarget,
  count: number,
  connections: number,
): Promise<StageResult> {
  const body = (i: number): string => JSON.stringify({ i });
  return routeStage(server, { method: 'POST', path: '/trivial', body }, count, connections);
}

/**
 * `count` × `GET /healthz`.
 *
 * @example
 * const stage = await healthzStage(latchkey, 5000, 10);
 */
export function healthzStage(
  server: StageTarget,
  count: number,
  connections: number,
): Promise<StageResult> {
  return routeStage(server, { method: 'GET', path: '/healthz' }, count, connections);
}

/**
 * `count` sign-in starts from the app's origin whose body the route's schema refuses (400). Such a
 * request runs the CORS hook and the rate-limit hook (its start is counted) and the flex error
 * handler, but never the handler: no latchkey route that passes both hooks has a handler without
 * database work, so this is the nearest to one.
 *
 * @example
 * const stage = await refusedStartStage(target, 5000);
 */
export function refusedStartStage(target: LatchkeyTarget, count: number): Promise<StageResult> {
  return runStage({
    server: target.server,
    method: 'POST',
    path: `/v1/apps/${target.appId}/authenticate/transactions/webauthn/start`,
    headers: { origin: target.origin },
    requests: Array.from({ length: count }, () => ({ body: '{"hints":"none"}' })),
    connections: target.connections,
    expectStatus: 400,
  });
}
