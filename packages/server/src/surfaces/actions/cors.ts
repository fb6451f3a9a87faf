import {
  type AppRecord,
  anyAppHasOrigin,
  ceremonyOrigins,
  findApp,
  findTokenApp,
  type Runtime,
} from '@latchkey/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addRouteHook, routeMethods } from '../../http/route-hooks.ts';
import { bearerToken, tenantId } from './credentials-header.ts';

/** The Authorization header makes every client call non-simple, so each has a preflight. */
const ALLOWED_HEADERS = 'Authorization, Content-Type';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/**
 * CORS for the client API. A call is answered for an origin of the app it concerns (the Bearer
 * token's app, or the Basic tenant). A preflight carries no Authorization header, so it is allowed
 * for an origin of any app; the call itself is then held to its own app's origins. Where a call
 * names no known app (a bad token), the origin of any app may read the JSON error, so that the
 * browser SDK can report it.
 */
export function registerClientCors(app: FastifyInstance, runtime: Runtime): void {
  const anyAppHas = (origin: string): Promise<boolean> => anyAppHasOrigin(runtime, origin);

  async function requestApp(request: FastifyRequest): Promise<AppRecord | null> {
    const token = bearerToken(request);
    if (token !== null) return findTokenApp(runtime, token);
    const tenant = tenantId(request);
    return tenant ? findApp(runtime, tenant) : null;
  }

  function allow(reply: FastifyReply, origin: string | null): void {
    reply.header('Vary', 'Origin');
    if (origin) reply.header('Access-Control-Allow-Origin', origin);
  }

  const cors = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string') return;
    const record = await requestApp(request);
    const allowed = record ? ceremonyOrigins(record).includes(origin) : await anyAppHas(origin);
    allow(reply, allowed ? origin : null);
  };
  // Only the client API's routes (the server API is not called from browsers), preflights aside,
  // after the hooks the application already put on them (the rate limits).
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/client/') || routeMethods(route).includes('OPTIONS')) return;
    addRouteHook(route, 'onRequest', cors);
  });

  app.options('/v1/client/*', { schema: { hide: true } }, async (request, reply) => {
    const origin = request.headers.origin;
    const allowed = typeof origin === 'string' && (await anyAppHas(origin)) ? origin : null;
    allow(reply, allowed);
    if (allowed) {
      reply.header('Access-Control-Allow-Methods', ALLOWED_METHODS);
      reply.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      reply.header('Access-Control-Max-Age', '600');
    }
    return reply.code(204).send();
  });
}
