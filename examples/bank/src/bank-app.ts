/**
 * The bank's web server: Fastify with its own cookie sessions, a same-origin check on every
 * state-changing request, security headers, the page routes, the passkey and transfer endpoints,
 * and the bundled browser code.
 */
import type { Authsignal } from '@authsignal/node';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Latchkey } from '@latchkey/node';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { BankContext } from './bank-context.ts';
import { BankError } from './bank-errors.ts';
import type { BankStore } from './bank-store.ts';
import { buildClientAssets, type ClientAssets } from './client-assets.ts';
import { pageRoutes } from './routes/page-routes.ts';
import { passkeyRoutes } from './routes/passkey-routes.ts';
import { recoveryRoutes } from './routes/recovery-routes.ts';
import { transferRoutes } from './routes/transfer-routes.ts';
import { isSameOriginRequest } from './same-origin.ts';
import { wrongAddressAdvice, wrongAddressPage } from './wrong-address.ts';

/** Options for {@link buildBankApp}. */
export interface BankAppOptions {
  store: BankStore;
  /** A `@latchkey/node` client for the bank's latchkey app. */
  latchkey: Latchkey;
  /** An `@authsignal/node` client for the same app, with `apiUrl` at latchkey's `/v1`. */
  authsignal: Authsignal;
  /** latchkey's app id and URL, as the browser reaches it. */
  appId: string;
  latchkeyUrl: string;
  /** The origin customers open, such as `http://localhost:3000`. */
  origin: string;
  now?: () => number;
  logger?: FastifyServerOptions['logger'];
  /** Prebuilt browser code; bundled here when absent. */
  assets?: ClientAssets;
}

/**
 * Builds the bank (not yet listening).
 *
 * @example
 * const app = await buildBankApp({
 *   store, latchkey, authsignal, appId, latchkeyUrl, origin: 'http://localhost:3000',
 * });
 * await app.listen({ port: 3000 });
 */
export async function buildBankApp(options: BankAppOptions): Promise<FastifyInstance> {
  const ctx: BankContext = {
    store: options.store,
    latchkey: options.latchkey,
    authsignal: options.authsignal,
    passkeys: { appId: options.appId, latchkeyUrl: options.latchkeyUrl },
    origin: options.origin,
    secureCookies: options.origin.startsWith('https:'),
    now: options.now ?? Date.now,
  };
  const assets = options.assets ?? (await buildClientAssets());
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 16 * 1024 });
  await app.register(cookie);
  await app.register(formbody);

  // A page asked for at another address than the bank's origin says which URL to open. Assets are
  // served anywhere, so that page is styled.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    if (request.url.startsWith('/assets/')) return;
    const advice = wrongAddressAdvice(request.headers.host, ctx.origin, request.url);
    if (!advice) return;
    await reply.code(421).type('text/html; charset=utf-8').send(wrongAddressPage(advice).value);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (reply.sent) return;
    const allowed = isSameOriginRequest(
      {
        method: request.method,
        origin: request.headers.origin,
        referer: request.headers.referer,
      },
      ctx.origin,
    );
    if (allowed) return;
    const error = new BankError('cross_origin');
    await reply.code(error.status).send({ code: error.code, message: error.message });
  });

  const latchkeyOrigin = new URL(options.latchkeyUrl).origin;
  app.addHook('onSend', async (_request, reply) => {
    reply.header(
      'content-security-policy',
      [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        `connect-src 'self' ${latchkeyOrigin}`,
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof BankError) {
      return reply.code(error.status).send({ code: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ code: 'invalid_request', message: 'Bad request.' });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .send({ code: 'internal_error', message: 'Something went wrong on our side. Try again.' });
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.code(404).send({ code: 'not_found', message: 'Not found.' });
    return reply.type(asset.contentType).send(asset.body);
  });

  pageRoutes(app, ctx);
  passkeyRoutes(app, ctx);
  recoveryRoutes(app, ctx);
  transferRoutes(app, ctx);
  return app;
}
