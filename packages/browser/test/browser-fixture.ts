/**
 * What the browser tests of the SDK share: a real latchkey server on a real port (SQLite in a temp
 * directory), a tiny page server that loads the script-tag bundle, and the management calls an app
 * backend would make.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppPolicy, createApp, createRuntime, type Runtime } from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore, type SqlStore } from '@latchkey/store';
import { bundleLatchkey } from '../scripts/bundle.mjs';

export interface LatchkeyServer {
  /** Where the flex API listens, such as `http://127.0.0.1:41234`. */
  url: string;
  runtime: Runtime;
  store: SqlStore;
  close(): Promise<void>;
}

/** Starts latchkey on 127.0.0.1 with a fresh SQLite database; no logs unless a logger is given. */
export async function startLatchkey(
  options: { logger?: Parameters<typeof buildServer>[0]['logger'] } = {},
): Promise<LatchkeyServer> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-browser-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
  const runtime = createRuntime({ store });
  const server = await buildServer({ runtime, logger: options.logger ?? false });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    store,
    async close() {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Wraps the Signal API methods and `fetch` before the SDK loads, so a test can read what the SDK
 * asked of the browser (the browser's own methods still run).
 */
const OBSERVER = `
window.signals = [];
window.requests = [];
window.credentialGets = 0;
for (const name of ['signalUnknownCredential', 'signalAllAcceptedCredentials', 'signalCurrentUserDetails']) {
  const original = PublicKeyCredential[name];
  if (typeof original !== 'function') continue;
  PublicKeyCredential[name] = function (options) {
    window.signals.push({ name, options: JSON.parse(JSON.stringify(options)) });
    return original.call(this, options);
  };
}
const originalFetch = window.fetch;
window.fetch = function (input, init) {
  window.requests.push({ url: String(input), headers: { ...(init && init.headers) } });
  return originalFetch.call(this, input, init);
};
const originalGet = navigator.credentials.get.bind(navigator.credentials);
navigator.credentials.get = function (options) {
  window.credentialGets += 1;
  return originalGet(options);
};
/** Settles an SDK promise into data a test can read: the nonce, or the error's code. */
window.outcome = (promise) =>
  promise.then(
    (nonce) => ({ nonce }),
    (error) => ({ code: error && error.code !== undefined ? error.code : null, name: error && error.name, message: String(error && error.message) }),
  );
`;

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>latchkey SDK test page</title>
<script>${OBSERVER}</script>
<script src="/latchkey.js"></script>
</head>
<body>
<label>Email <input id="username" name="username" autocomplete="username webauthn"></label>
</body>
</html>`;

export interface PageServer {
  port: number;
  /** The page's origin on localhost (an IP address cannot be an RP ID). */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves the test page and the IIFE bundle, built in memory from the SDK's source. Requests under
 * `/v1/` are passed to latchkey, so a page can also reach it on its own origin (no CORS involved).
 */
export async function startPageServer(latchkeyUrl: string): Promise<PageServer> {
  const bundle = await bundleLatchkey({ format: 'iife', minify: true });
  const server: Server = createServer(async (request, response) => {
    if (request.url?.startsWith('/v1/')) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const forwarded = await fetch(`${latchkeyUrl}${request.url}`, {
        method: request.method ?? 'GET',
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      response.writeHead(forwarded.status, {
        'content-type': forwarded.headers.get('content-type') ?? 'application/json',
      });
      response.end(Buffer.from(await forwarded.arrayBuffer()));
      return;
    }
    if (request.url === '/latchkey.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundle);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An app backend's view of one latchkey app: its id and the management calls. */
export interface TestApp {
  id: string;
  rpId: string;
  /** `fields` adds to the request body (`hints`, `upgrade`). */
  registerTransaction(externalId: string, fields?: Record<string, unknown>): Promise<string>;
  authenticateTransaction(externalId: string): Promise<string>;
  /** Redeems a nonce; the external id it names, or the error code. */
  verifyNonce(nonce: string): Promise<{ external_id?: string; code?: string }>;
  /** The user's devices: `[{ id, cred_id }]`. */
  devices(externalId: string): Promise<Array<{ id: string; cred_id: string }>>;
  revokeDevice(externalId: string, deviceId: string): Promise<void>;
}

/** Creates an app with these origins and returns what its backend would call. */
export async function createTestApp(
  latchkey: LatchkeyServer,
  options: { origins: string[]; policy?: Partial<AppPolicy> },
): Promise<TestApp> {
  const { app, apiKey } = await createApp(latchkey.runtime, {
    name: 'SDK test',
    origins: options.origins,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the management API, read by tests.
  type Json = any;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${latchkey.url}/v1/apps/${app.id}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const userId = async (externalId: string) => {
    const { body } = await call('GET', `/users?identifier=${encodeURIComponent(externalId)}`);
    const id = body.users[0]?.id;
    if (!id) throw new Error(`no user ${externalId}`);
    return id as string;
  };
  return {
    id: app.id,
    rpId: app.rpId,
    async registerTransaction(externalId, fields = {}) {
      const { status, body } = await call('POST', '/transactions/register', {
        external_id: externalId,
        passkey_display_name: `${externalId}@example.test`,
        ...fields,
      });
      if (status !== 201) throw new Error(`register transaction: ${status}`);
      return body.transaction_id;
    },
    async authenticateTransaction(externalId) {
      const { status, body } = await call('POST', '/transactions/authenticate', {
        external_id: externalId,
      });
      if (status !== 201) throw new Error(`authenticate transaction: ${status}`);
      return body.transaction_id;
    },
    async verifyNonce(nonce) {
      return (await call('POST', '/authenticate/verify', { nonce })).body;
    },
    async devices(externalId) {
      const { body } = await call('GET', `/users/${await userId(externalId)}/devices`);
      return body.devices;
    },
    async revokeDevice(externalId, deviceId) {
      const { status } = await call(
        'DELETE',
        `/users/${await userId(externalId)}/devices/${deviceId}`,
      );
      if (status !== 200) throw new Error(`revoke: ${status}`);
    },
  };
}

/** CDP speaks standard base64; WebAuthn JSON speaks base64url. */
export function toBase64Url(base64: string): string {
  return Buffer.from(base64, 'base64').toString('base64url');
}
