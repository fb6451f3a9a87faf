/**
 * What `/` answers: a small page for a person who opens the server in a browser, and a small JSON
 * document for a program, both naming the version and where the docs, console, OpenAPI document
 * and health checks are.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SERVER_VERSION } from '../../version.ts';

/** The links `/` gives, by what they are. Relative, so they hold behind any proxy or host name. */
export const LANDING_LINKS = {
  docs: '/docs',
  console: '/console',
  openapi: '/openapi.json',
  health: '/healthz',
  ready: '/readyz',
} as const;

/** The JSON form of `/`. */
export interface LandingDocument {
  name: 'latchkey';
  version: string;
  links: typeof LANDING_LINKS;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2330}' +
  'code{background:#f1f3f7;padding:0 .25rem;border-radius:3px}a{color:#1f5fbf}li{margin:.25rem 0}';

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The page loads nothing: its one style element is allowed by its hash, and it has no script. */
export const LANDING_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_HASH}`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function landingHtml(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>latchkey ${version}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>latchkey <small>${version}</small></h1>
<p>This passkey server is running. Your site talks to its API; people never need to visit it.</p>
<ul>
<li><a href="${LANDING_LINKS.docs}">API reference</a> (<a href="${LANDING_LINKS.openapi}">OpenAPI document</a>)</li>
<li><a href="${LANDING_LINKS.console}">Operator console</a>: sign in with a token from <code>npx latchkey admin create-token</code></li>
<li><a href="${LANDING_LINKS.health}">Health</a> and <a href="${LANDING_LINKS.ready}">readiness</a></li>
</ul>
<p>Next: create an app for your site with <code>npx latchkey apps create --name "My app" --origin http://localhost:3000</code>.</p>
</body>
</html>
`;
}

/** Whether the client asks for HTML (a browser's navigation does; fetch and curl do not). */
function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/i.test(request.headers.accept ?? '');
}

/**
 * Registers `GET /`.
 *
 * @example
 * landingRoute(app);
 */
export function landingRoute(app: FastifyInstance): void {
  const html = landingHtml(SERVER_VERSION);
  const json: LandingDocument = { name: 'latchkey', version: SERVER_VERSION, links: LANDING_LINKS };
  app.get('/', { schema: { hide: true } }, async (request, reply: FastifyReply) => {
    // One URL, two representations: caches must keep them apart.
    reply.header('vary', 'Accept').header('cache-control', 'no-cache');
    if (!wantsHtml(request)) return reply.type('application/json; charset=utf-8').send(json);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', LANDING_CONTENT_SECURITY_POLICY)
      .header('referrer-policy', 'no-referrer')
      .header('x-frame-options', 'DENY')
      .send(html);
  });
}
