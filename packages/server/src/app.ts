import swagger from '@fastify/swagger';
import {
  EXTERNAL_ID_MAX_LENGTH,
  type RateLimitCounter,
  type Runtime,
  type WebhookNetworkPolicy,
} from '@latchkey/core';
import type { PoolStats } from '@latchkey/store';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { webhookSettings } from './config.ts';
import { parseJsonBody } from './http/json-body.ts';
import { normaliseInput } from './http/normalise-input.ts';
import { requestId } from './http/request-context.ts';
import { addRouteHook, routeMethods } from './http/route-hooks.ts';
import { sendNoRoute, sendSurfaceError } from './http/surface-error-handler.ts';
import { fastifyTrustProxy, type TrustProxy } from './http/trust-proxy.ts';
import {
  type BatchedRateLimitCounter,
  batchPerTurn,
} from './rate-limits/batched-rate-limit-counter.ts';
import { createMemoryRateLimitCounter } from './rate-limits/memory-rate-limit-counter.ts';
import { registerRateLimits } from './rate-limits/rate-limits.ts';
import { actionsSurface } from './surfaces/actions/index.ts';
import { consoleSurface } from './surfaces/admin/console-routes.ts';
import { adminSurface } from './surfaces/admin/index.ts';
import { docsSurface } from './surfaces/docs/index.ts';
import { errorShapeForUrl, SYSTEM_ERROR_SHAPE } from './surfaces/error-shapes.ts';
import { flexSurface } from './surfaces/flex/index.ts';
import { metricsSurface } from './surfaces/metrics/index.ts';
import { systemSurface } from './surfaces/system/index.ts';
import { wellKnownSurface } from './surfaces/well-known/index.ts';
import { SERVER_VERSION } from './version.ts';
import { webhookNetworkPolicy } from './webhooks/webhook-sender.ts';

/** Largest request body accepted. Attestations with certificate chains fit in a few kilobytes. */
export const BODY_LIMIT_BYTES = 128 * 1024;

/** Options for {@link buildServer}. */
export interface BuildServerOptions {
  runtime: Runtime;
  /** pino logger options, or false for none (tests). Default: info-level JSON logs. */
  logger?: FastifyServerOptions['logger'];
  /**
   * The proxies in front whose X-Forwarded-For entries are trusted: a number of hops or their
   * addresses. Default none: the client IP is the socket's.
   */
  trustProxy?: TrustProxy;
  /**
   * Where rate limits are counted. Several instances need a shared counter (the database's, or
   * Redis); the default counts in this process only.
   */
  rateLimitCounter?: RateLimitCounter;
  /** The database pool's figures, for `/metrics` (PostgreSQL). */
  poolStats?: () => PoolStats | null;
  /** Statements sent to the database so far, for `/metrics`. */
  statements?: () => number | null;
  /**
   * Refused credentials a minute from one client IP before it gets 429 on the flex management,
   * actions server and admin APIs; 0 turns the limit off. Default 30.
   */
  refusedCredentialsPerIp?: number;
  /** An operator credential for the admin API. Default: `LATCHKEY_ADMIN_TOKEN`, if set. */
  adminToken?: string;
  /**
   * Where webhook endpoints may point. Default: the system resolver, and private networks only
   * where `LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS` allows them.
   */
  webhookNetwork?: WebhookNetworkPolicy;
}

/**
 * Builds the latchkey HTTP server (not yet listening): every surface, OpenAPI at `/openapi.json`,
 * its rendering at `/docs`, and health checks.
 *
 * @example
 * const server = await buildServer({ runtime });
 * await server.listen({ port: 8080 });
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: 'info' },
    bodyLimit: BODY_LIMIT_BYTES,
    // Never `true`: that takes the leftmost X-Forwarded-For entry, which the client writes.
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    // The client's x-request-id is read by genReqId, which accepts only a short plain token.
    requestIdHeader: false,
    genReqId: requestId,
    // A path parameter may be a whole external id, percent-encoded: up to 12 characters per code
    // point (4 UTF-8 bytes as %XX). Each route's schema then applies the real limit.
    routerOptions: { maxParamLength: EXTERNAL_ID_MAX_LENGTH * 12 },
    // Edge validation is strict: a number is not a string and unknown fields are left alone.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Raised before any route is found (a path segment over the router's limit, a malformed URL):
    // answered in the shape of the surface the URL belongs to, not in Fastify's own.
    // Routing never ran, so neither did the hooks that set these headers on every other response.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
      return sendSurfaceError(errorShapeForUrl(request.url), error, request, reply);
    },
  });
  // Routes outside the surfaces (health, metrics, the API description, the console).
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendSurfaceError(SYSTEM_ERROR_SHAPE, error, request, reply),
  );
  // First of all hooks: before the request writes anything (a rate-limit count included), it
  // notes which deferred commit its writes may go into, for the flush before its answer.
  app.decorateRequest('storeMark', null);
  app.addHook('onRequest', (request, _reply, done) => {
    request.storeMark = options.runtime.store.mark();
    done();
  });
  // Only where there is something to normalise: a POST, or a route whose querystring is validated.
  // Other routes (health checks, lookups by path) run no hook at all for it.
  app.addHook('onRoute', (route) => {
    if (routeMethods(route).includes('POST') || route.schema?.querystring !== undefined) {
      addRouteHook(route, 'preValidation', normaliseInput);
    }
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // One hook for what every response carries, callback-style: an async hook costs every request a
  // promise and a turn of the microtask queue on top of the store's own.
  const { store } = options.runtime;
  app.addHook('onSend', (request, reply, _payload, done) => {
    reply.header('x-request-id', request.id);
    // Never sniffed into another type: a JSON answer (which may echo what a client sent) is never
    // read as HTML or script. API and pages alike.
    reply.header('x-content-type-options', 'nosniff');
    // Nothing is acknowledged before it is stored: the store may defer commits (SQLite's groups,
    // PostgreSQL's held writes), and this waits for those that may hold this request's writes;
    // from its mark, so that one that failed while the request was busy fails it too.
    // Once only: the 503 that follows a failed commit is sent through this hook again.
    const mark = request.storeMark ?? undefined;
    request.storeMark = null;
    store.flush(mark).then(() => done(), done);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'latchkey',
        description:
          'A self-hosted passkey server. The flex API follows the transaction/nonce contract of Passage Passkey Flex.',
        version: SERVER_VERSION,
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An app API key' },
          secretKey: {
            type: 'http',
            scheme: 'basic',
            description: 'The actions server API: an app API key as the user, empty password',
          },
          operatorToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The admin API: an operator token, a console session or LATCHKEY_ADMIN_TOKEN',
          },
        },
      },
    },
  });
  await app.register(docsSurface);
  // Registered before the surfaces, so its hooks time every route.
  app.decorate(
    'metrics',
    metricsSurface(app, {
      runtime: options.runtime,
      ...(options.poolStats ? { poolStats: options.poolStats } : {}),
      ...(options.statements ? { statements: options.statements } : {}),
    }),
  );
  // Counted in one call per event-loop turn: a turn's requests share a statement or a round trip.
  // What is queued when the server closes is sent before `close()` resolves, so before the caller
  // closes the database or Redis under it.
  const counter = batchPerTurn(options.rateLimitCounter ?? createMemoryRateLimitCounter());
  app.decorate('rateLimitCounter', counter);
  app.addHook('onClose', () => counter.drain());
  registerRateLimits(app, {
    runtime: options.runtime,
    counter,
    ...(options.refusedCredentialsPerIp === undefined
      ? {}
      : { refusedCredentialsPerIp: options.refusedCredentialsPerIp }),
  });
  await app.register(systemSurface, { runtime: options.runtime });
  await app.register(flexSurface, { runtime: options.runtime });
  await app.register(actionsSurface, { runtime: options.runtime });
  await app.register(adminSurface, {
    prefix: '/admin/v1',
    runtime: options.runtime,
    envToken: options.adminToken ?? (process.env.LATCHKEY_ADMIN_TOKEN || undefined),
    webhookNetwork:
      options.webhookNetwork ?? webhookNetworkPolicy(webhookSettings().allowPrivateNetworks),
  });
  await app.register(consoleSurface);
  await app.register(wellKnownSurface, { runtime: options.runtime });

  // The admin API has its own; every other unknown route answers in its surface's shape.
  app.setNotFoundHandler((request, reply) =>
    sendNoRoute(errorShapeForUrl(request.url), request, reply),
  );
  return app;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The store's mark when the request arrived (see `Store.mark`); null if no route ran. */
    storeMark: number | null;
  }
  interface FastifyInstance {
    /** The server's rate-limit counter, batched per turn: `drain()` sends what is still queued. */
    rateLimitCounter: BatchedRateLimitCounter;
  }
}
