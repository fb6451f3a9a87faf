#!/usr/bin/env node
// The smallest app with passkeys: a backend that talks to latchkey's flex management API with its
// API key, and one page (index.html) that runs the ceremonies with the browser SDK. Plain Node, no
// framework and no build step, so every request latchkey sees is in this file.
//
//   LATCHKEY_APP_ID=… LATCHKEY_API_KEY=… node examples/minimal/server.mjs
//
// Then open http://localhost:3000. Environment: LATCHKEY_URL (http://127.0.0.1:8080), PORT (3000).
// The latchkey app's allowed origins must include http://localhost:<PORT>.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { bundleLatchkey } from '@latchkey/browser/bundle';

const latchkeyUrl = process.env.LATCHKEY_URL ?? 'http://127.0.0.1:8080';
const appId = process.env.LATCHKEY_APP_ID;
const apiKey = process.env.LATCHKEY_API_KEY;
const port = Number(process.env.PORT ?? 3000);
if (!appId || !apiKey) {
  console.error(
    'examples/minimal: set LATCHKEY_APP_ID and LATCHKEY_API_KEY (from `npx latchkey apps create … --json`)',
  );
  process.exit(1);
}

/** Calls latchkey's flex management API as this app's backend. */
async function latchkey(path, body) {
  const res = await fetch(`${latchkeyUrl}/v1/apps/${encodeURIComponent(appId)}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) throw Object.assign(new Error(answer.error ?? answer.code), { status: res.status });
  return answer;
}

/** The page's requests, each one step of a ceremony that only a backend may take. */
const routes = {
  // 1. Register: this backend decides who the passkey is for (your own user id) and asks latchkey
  //    for a transaction. The page cannot ask for one: it needs the API key. A real app registers
  //    a passkey for the user already signed in; this example takes the name the page sends.
  'POST /api/register': async ({ username }) =>
    latchkey('/transactions/register', { external_id: username, passkey_display_name: username }),
  // 2. After either ceremony, the page hands over the nonce latchkey gave it; only a nonce redeemed
  //    here, once, proves who it was. A real app would start its own session now.
  'POST /api/verify': async ({ nonce }) => {
    const { external_id } = await latchkey('/authenticate/verify', { nonce });
    console.log(`verified ${external_id}`);
    return { user: external_id };
  },
};

const page = (await readFile(new URL('index.html', import.meta.url), 'utf8'))
  .replace('{{APP_ID}}', appId)
  .replace('{{LATCHKEY_URL}}', latchkeyUrl);
const sdk = await bundleLatchkey({ format: 'iife' });

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  const body = JSON.parse(text || '{}');
  for (const value of Object.values(body)) {
    if (typeof value !== 'string' || value.length === 0) throw new Error('bad request');
  }
  return body;
}

const server = createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/')
    return send(res, 200, 'text/html; charset=utf-8', page);
  if (req.method === 'GET' && req.url === '/latchkey.js') {
    return send(res, 200, 'text/javascript; charset=utf-8', sdk);
  }
  const route = routes[`${req.method} ${req.url}`];
  if (!route) return send(res, 404, 'application/json', '{"error":"not found"}');
  let body;
  try {
    body = await readJson(req);
  } catch {
    return send(res, 400, 'application/json', '{"error":"expected a JSON object of strings"}');
  }
  try {
    send(res, 200, 'application/json', JSON.stringify(await route(body)));
  } catch (error) {
    // latchkey's 4xx (a nonce already used, a bad id) is the page's to show; anything else is ours.
    const status = error.status >= 400 && error.status < 500 ? 400 : 502;
    send(res, status, 'application/json', JSON.stringify({ error: error.message }));
  }
});

server.on('error', (error) => {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(
    `examples/minimal: port ${port} is in use (by \`npm start\`'s bank?). Stop that, or run with PORT=<another port> and an app whose origin is http://localhost:<that port>.`,
  );
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`minimal example on http://localhost:${port} (latchkey at ${latchkeyUrl})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
