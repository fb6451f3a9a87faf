/**
 * The seed article's flow in a real Chromium: the published `@authsignal/browser`, bundled by
 * esbuild into a page on http://localhost, and the published `@authsignal/node` on the backend's
 * side, both pointed at latchkey. Enroll with `add:authenticators`, step up a $7,500 transfer with
 * the passkey, let a $50 transfer through.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Authsignal } from '@authsignal/node';
import { createApp, createRuntime, setActionConfig } from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore, type SqlStore } from '@latchkey/store';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { type BrowserSession, browserUnavailableReason, openBrowser } from '../support/chromium.ts';

const skip = browserUnavailableReason() ?? false;
const ROOT = new URL('../../', import.meta.url).pathname;

async function bundleSdk(): Promise<string> {
  const result = await build({
    stdin: {
      contents: "import { Authsignal } from '@authsignal/browser'; window.Authsignal = Authsignal;",
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('step-up with @authsignal/browser in Chromium', { skip }, () => {
  let dir: string;
  let store: SqlStore;
  let latchkey: FastifyInstance;
  let pages: Server;
  let pageUrl: string;
  let apiUrl: string;
  let appId: string;
  let authsignal: Authsignal;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-e2e-actions-'));
    store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
    const runtime = createRuntime({ store });
    latchkey = await buildServer({ runtime, logger: false });
    await latchkey.listen({ port: 0, host: '127.0.0.1' });
    const address = latchkey.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    apiUrl = `http://127.0.0.1:${address.port}/v1`;

    const sdk = await bundleSdk();
    pages = createServer((request, response) => {
      if (request.url === '/sdk.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(sdk);
        return;
      }
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><title>transfer</title><h1>Transfer</h1><script src="/sdk.js"></script>',
        );
    });
    pageUrl = `http://localhost:${await listen(pages)}`;
    const created = await createApp(runtime, { name: 'Bank', origins: [pageUrl] });
    appId = created.app.id;
    await setActionConfig(runtime, {
      appId,
      actionCode: 'high-value-transfer',
      config: {
        defaultOutcome: 'ALLOW',
        rules: [
          {
            name: 'large transfer',
            priority: 10,
            outcome: 'CHALLENGE',
            conditions: { '>': [{ var: 'custom.amount' }, 5000] },
          },
        ],
      },
    });
    authsignal = new Authsignal({ apiSecretKey: created.apiKey, apiUrl, retries: 0 });
  });

  after(async () => {
    await latchkey?.close();
    await store?.close();
    await new Promise((resolve) => pages?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function openPage(): Promise<BrowserSession> {
    const session = await openBrowser();
    await session.page.goto(pageUrl);
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    await session.page.evaluate(
      `window.client = new window.Authsignal({ tenantId: ${JSON.stringify(appId)}, baseUrl: ${JSON.stringify(apiUrl)} })`,
    );
    return session;
  }

  const signUp = (session: BrowserSession, token: string, username: string) =>
    session.page.evaluate(
      ({ token, username }) =>
        (globalThis as unknown as Record<string, any>).client.passkey.signUp({ token, username }),
      { token, username },
    );
  const signIn = (session: BrowserSession, token: string) =>
    session.page.evaluate(
      (token) => (globalThis as unknown as Record<string, any>).client.passkey.signIn({ token }),
      token,
    );

  it('enrolls, steps up a $7,500 transfer with the passkey, and lets a $50 transfer through', async () => {
    const session = await openPage();
    try {
      const enrollment = await authsignal.track({
        userId: 'ada',
        action: 'enroll-passkey',
        attributes: { scope: 'add:authenticators' },
      });
      const signedUp = await signUp(session, enrollment.token, 'ada@bank.example');
      assert.equal(signedUp.error, undefined, JSON.stringify(signedUp));
      assert.equal(typeof signedUp.data.token, 'string');
      const enrolled = await authsignal.validateChallenge({ token: signedUp.data.token });
      assert.equal(enrolled.isValid, true);
      assert.equal((await session.credentials()).length, 1);

      const transfer = await authsignal.track({
        userId: 'ada',
        action: 'high-value-transfer',
        attributes: { idempotencyKey: 't-7500', custom: { amount: 7500, recipient: 'ACME Ltd' } },
      });
      assert.equal(transfer.state, 'CHALLENGE_REQUIRED');
      const signedIn = await signIn(session, transfer.token);
      assert.equal(signedIn.error, undefined, JSON.stringify(signedIn));
      assert.equal(signedIn.data.isVerified, true);
      assert.equal(signedIn.data.userId, 'ada');
      const validated = (await authsignal.validateChallenge({
        token: signedIn.data.token,
        userId: 'ada',
        action: 'high-value-transfer',
      })) as Record<string, any>;
      assert.equal(validated.isValid, true);
      assert.equal(validated.state, 'CHALLENGE_SUCCEEDED');
      assert.deepEqual(validated.custom, { amount: 7500, recipient: 'ACME Ltd' });

      const small = await authsignal.track({
        userId: 'ada',
        action: 'high-value-transfer',
        attributes: { custom: { amount: 50, recipient: 'Bob' } },
      });
      assert.equal(small.state, 'ALLOW');

      const available = await session.page.evaluate(() =>
        (globalThis as unknown as Record<string, any>).client.passkey.isAvailableOnDevice({
          userId: 'ada',
        }),
      );
      assert.equal(available, true);
    } finally {
      await session.close();
    }
  });

  it('gets a JSON error for a plain token that would add a second passkey', async () => {
    const session = await openPage();
    try {
      const first = await authsignal.track({ userId: 'grace', action: 'enroll-passkey' });
      assert.equal((await signUp(session, first.token, 'grace')).error, undefined);
      const second = await authsignal.track({ userId: 'grace', action: 'enroll-passkey' });
      const refused = await signUp(session, second.token, 'grace');
      assert.equal(refused.errorCode, 'invalid_token');
      assert.match(refused.error, /add:authenticators/);
      assert.equal((await session.credentials()).length, 1);
    } finally {
      await session.close();
    }
  });

  it('fails the challenge when the authenticator cannot verify the user', async () => {
    const session = await openPage();
    try {
      const enrollment = await authsignal.track({ userId: 'linus', action: 'enroll-passkey' });
      assert.equal((await signUp(session, enrollment.token, 'linus')).error, undefined);
      const transfer = await authsignal.track({
        userId: 'linus',
        action: 'high-value-transfer',
        attributes: { custom: { amount: 9000, recipient: 'ACME Ltd' } },
      });
      await session.setUserVerified(false);
      const outcome = await session.page.evaluate(async (token) => {
        try {
          return await (globalThis as unknown as Record<string, any>).client.passkey.signIn({
            token,
          });
        } catch (error) {
          return { thrown: (error as Error).name };
        }
      }, transfer.token);
      assert.equal(outcome.thrown, 'NotAllowedError');
      const validated = await authsignal.validateChallenge({ token: transfer.token });
      assert.deepEqual([validated.isValid, validated.state], [false, 'CHALLENGE_REQUIRED']);
    } finally {
      await session.close();
    }
  });
});
