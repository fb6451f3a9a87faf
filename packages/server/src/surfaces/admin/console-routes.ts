import { consoleAssets } from '@latchkey/console';
import type { FastifyInstance } from 'fastify';

/**
 * What the console page may load: only itself. Everything is bundled, nothing comes from another
 * origin, and it may not be framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Serves the operator console at `/console`: one HTML page, its script and its stylesheet, bundled
 * in memory once (on the first request) from `@latchkey/console`.
 */
export async function consoleSurface(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', (_request, reply, _payload, done) => {
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY');
    done();
  });
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
    const assets = await consoleAssets();
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(assets.html);
  };
  app.get('/console', { schema: { hide: true } }, page);
  app.get('/console/', { schema: { hide: true } }, page);
  app.get('/console/assets/console.js', { schema: { hide: true } }, async (_request, reply) => {
    const assets = await consoleAssets();
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(assets.js);
  });
  app.get('/console/assets/console.css', { schema: { hide: true } }, async (_request, reply) => {
    const assets = await consoleAssets();
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(assets.css);
  });
}
