/**
 * Related origins in a real Chromium with a virtual authenticator: a page on
 * `https://bank-shop.example` registers and signs in with passkeys of RP ID `bank.example`, because
 * Chromium fetches `https://bank.example/.well-known/webauthn` and finds the shop listed there. The
 * RP ID's domain proxies that path to latchkey keeping the Host header, as the docs describe; a
 * page on a site that is not listed is refused by the browser.
 *
 * No DNS and no port 443: Chromium reaches both names through a local CONNECT proxy that tunnels
 * to one TLS server (a test certificate, trusted by its key pin), which serves the pages and
 * forwards `/v1/` and `/.well-known/` to latchkey.
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp, createRuntime } from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore, type SqlStore } from '@latchkey/store';
import type { FastifyInstance } from 'fastify';
import { type BrowserSession, browserUnavailableReason, openBrowser } from '../support/chromium.ts';

const skip = browserUnavailableReason() ?? false;
const RP_ID = 'bank.example';
const RELATED = 'https://bank-shop.example';
const STRANGER = 'https://other-shop.example';
const TLS = {
  key: readFileSync(new URL('./test-tls-key.pem', import.meta.url)),
  cert: readFileSync(new URL('./test-tls-cert.pem', import.meta.url)),
};
/** The key pin Chromium is told to trust: SHA-256 of the certificate's public key, base64. */
const SPKI_PIN = createHash('sha256')
  .update(new X509Certificate(TLS.cert).publicKey.export({ type: 'spki', format: 'der' }))
  .digest('base64');

const port = (server: Server): number => (server.address() as AddressInfo).port;

/**
 * A passkey ceremony run by the page, through its own origin's `/v1/` (proxied to latchkey), with
 * the browser's own JSON helpers. Source text, so that it runs in the page as written.
 */
const PAGE_CEREMONY = `async ({ kind, appId, transactionId }) => {
  const post = async (path, body) => {
    const response = await fetch('/v1/apps/' + appId + '/' + kind + '/transactions/webauthn/' + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  try {
    const started = await post('start', { transaction_id: transactionId });
    const publicKey = started.body.handshake.challenge.publicKey;
    const credential = kind === 'register'
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(publicKey) })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(publicKey) });
    return await post('finish', {
      transaction_id: transactionId,
      handshake_id: started.body.handshake.id,
      handshake_response: credential.toJSON(),
    });
  } catch (error) {
    return { error: error.name };
  }
}`;

async function ceremonyInPage(
  session: BrowserSession,
  kind: 'register' | 'authenticate',
  appId: string,
  transactionId: string,
): Promise<{ status?: number; body?: { nonce?: string }; error?: string }> {
  const args = JSON.stringify({ kind, appId, transactionId });
  return (await session.page.evaluate(`(${PAGE_CEREMONY})(${args})`)) as {
    status?: number;
    body?: { nonce?: string };
    error?: string;
  };
}

describe('related origins in Chromium', { skip }, () => {
  let dir: string;
  let store: SqlStore;
  let latchkey: FastifyInstance;
  let api: string;
  let front: Server;
  let proxy: Server;
  let session: BrowserSession;
  const app = { id: '', apiKey: '' };
  const wellKnownHosts: string[] = [];

  /** The app's backend, straight to latchkey. */
  async function manage(path: string, body: unknown): Promise<Record<string, string>> {
    const response = await fetch(`${api}/v1/apps/${app.id}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.apiKey}` },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, string>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-related-'));
    store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
    const runtime = createRuntime({ store });
    latchkey = await buildServer({ runtime, logger: false });
    await latchkey.listen({ port: 0, host: '127.0.0.1' });
    api = `http://127.0.0.1:${(latchkey.server.address() as AddressInfo).port}`;
    const created = await createApp(runtime, {
      name: 'Bank',
      origins: [`https://${RP_ID}`],
      policy: { relatedOrigins: [RELATED] },
    });
    app.id = created.app.id;
    app.apiKey = created.apiKey;

    // Every name's web server: pages for the shops, latchkey behind /v1/ and /.well-known/.
    front = createHttpsServer(TLS, (req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/v1/') || url.startsWith('/.well-known/')) {
        if (url.startsWith('/.well-known/')) wellKnownHosts.push(String(req.headers.host));
        const upstream = httpRequest(
          `${api}${url}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Shop</title><h1>Shop</h1>');
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    // What Chromium dials for every https://NAME:443: a tunnel to the one TLS server.
    proxy = createHttpServer();
    proxy.on('connect', (_req, socket) => {
      const tunnel = connect(port(front), '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        tunnel.pipe(socket);
        socket.pipe(tunnel);
      });
      tunnel.on('error', () => socket.destroy());
      socket.on('error', () => tunnel.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    session = await openBrowser({
      args: [
        `--proxy-server=http://127.0.0.1:${port(proxy)}`,
        `--ignore-certificate-errors-spki-list=${SPKI_PIN}`,
      ],
    });
    session.page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await session?.close();
    proxy?.closeAllConnections();
    proxy?.close();
    front?.closeAllConnections();
    front?.close();
    await latchkey?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers and signs in on a related origin with passkeys of the RP ID', async () => {
    await session.page.goto(`${RELATED}/`);
    const { transaction_id: register } = await manage('/transactions/register', {
      external_id: 'ada',
      passkey_display_name: 'ada@bank.example',
    });
    const registered = await ceremonyInPage(session, 'register', app.id, String(register));
    assert.equal(registered.status, 200, JSON.stringify(registered));
    // Chromium asked the RP ID's domain, which latchkey answered for the app with that RP ID.
    assert.ok(wellKnownHosts.includes(RP_ID), wellKnownHosts.join());
    const [credential] = await session.credentials();
    assert.equal(credential?.rpId, RP_ID);
    const { external_id } = await manage('/authenticate/verify', { nonce: registered.body?.nonce });
    assert.equal(external_id, 'ada');

    const { transaction_id: signIn } = await manage('/transactions/authenticate', {
      external_id: 'ada',
    });
    const signedIn = await ceremonyInPage(session, 'authenticate', app.id, String(signIn));
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn));
    const verified = await manage('/authenticate/verify', { nonce: signedIn.body?.nonce });
    assert.equal(verified.external_id, 'ada');
  });

  it('is refused by the browser on a site the RP ID does not list', async () => {
    await session.page.goto(`${STRANGER}/`);
    const { transaction_id } = await manage('/transactions/register', {
      external_id: 'eve',
      passkey_display_name: 'eve@bank.example',
    });
    const before = (await session.credentials()).length;
    const refused = await ceremonyInPage(session, 'register', app.id, String(transaction_id));
    assert.equal(refused.error, 'SecurityError', JSON.stringify(refused));
    assert.equal((await session.credentials()).length, before);
  });
});
