import { ceremonyOrigins, findApp, type Runtime } from '@latchkey/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addRouteHook, routeMethods } from '../../http/route-hooks.ts';

/** Headers the browser SDKs send: passage-flex-js adds `Passage-Flex-Version` to every call. */
const ALLOWED_HEADERS = 'Content-Type, Passage-Flex-Version';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/**
 * CORS for the auth API, per app: a browser may call an app's routes only from one of that app's
 * own or related origins. Credentials (cookies) are never needed, so they are never allowed.
 */
export function registerFlexCors(app: FastifyInstance, runtime: Runtime): void {
  async function allowedOrigin(request: FastifyRequest): Promise<string | null> {
    const origin = request.headers.origin;
    const appId = (request.params as { app_id?: string } | undefined)?.app_id;
    if (typeof origin !== 'string' || !appId || appId.length > 64) return null;
    const record = await findApp(runtime, appId);
    // Its related origins' pages call it too: they run the app's ceremonies.
    return record && ceremonyOrigins(record).includes(origin) ? origin : null;
  }

  function allow(reply: FastifyReply, origin: string | null): void {
    reply.header('Vary', 'Origin');
    if (origin) reply.header('Access-Control-Allow-Origin', origin);
  }

  const cors = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.headers.origin === undefined) return;
    allow(reply, await allowedOrigin(request));
  };
  // On each route of this surface but the preflights, after the hooks the application already put
  // on it (the rate limits).
  app.addHook('onRoute', (route) => {
    if (!routeMethods(route).includes('OPTIONS')) addRouteHook(route, 'onRequest', cors);
  });

  // Returns the reply: an async handler that sends without returning it has Fastify send again.
  const preflight = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const origin = await allowedOrigin(request);
    allow(reply, origin);
    if (origin) {
      reply.header('Access-Control-Allow-Methods', ALLOWED_METHODS);
      reply.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      reply.header('Access-Control-Max-Age', '600');
    }
    return reply.code(204).send();
  };
  app.options('/v1/apps/:app_id', { schema: { hide: true } }, preflight);
  app.options('/v1/apps/:app_id/*', { schema: { hide: true } }, preflight);
}
