/**
 * The rendering of the OpenAPI document at `/docs` (Swagger UI), with the headers of a page that
 * holds nothing secret but runs script: a content security policy that loads only its own files and
 * forbids framing, no MIME sniffing, and no referrer.
 */
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * Swagger UI 5 as @fastify/swagger-ui serves it has no inline script (its initializer is a file),
 * so scripts need only 'self'. It injects one `<style>` element of its own, allowed by its hash
 * rather than by 'unsafe-inline'; if an upgrade changes that style, the Chromium test of this page
 * reports the new hash. Its icons are data: images; the document is fetched from `/docs/json`.
 */
const SWAGGER_UI_INLINE_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${SWAGGER_UI_INLINE_STYLE}`,
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Headers every `/docs` response carries, page, scripts and spec alike. */
export const DOCS_HEADERS = {
  'content-security-policy': DOCS_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/**
 * Registers Swagger UI at `/docs`. It is registered inside this plugin so that the hook setting the
 * headers covers every route it adds, its static files included, and nothing else.
 *
 * @example
 * await app.register(docsSurface);
 */
export async function docsSurface(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', (_request, reply, _payload, done) => {
    reply.headers(DOCS_HEADERS);
    done();
  });
  // staticCSP is left off: the hook above sets one policy for every route instead.
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
}
