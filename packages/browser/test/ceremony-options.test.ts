/**
 * Ceremony options through `@latchkey/browser` in Chromium with a virtual authenticator: hints
 * reach the browser, an upgrade transaction runs a conditional create (and only it may come back
 * without user presence), and PRF outputs reach the page alone: 32 bytes, stable per salt, and
 * neither salt nor output in any request, row or log line of the server.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
} from '../../../e2e/support/chromium.ts';
import {
  createTestApp,
  type LatchkeyServer,
  type PageServer,
  startLatchkey,
  startPageServer,
  type TestApp,
} from './browser-fixture.ts';

const skip = browserUnavailableReason() ?? false;

/**
 * Records what the SDK asks of `navigator.credentials` (hints, mediation, whether PRF salts were
 * given) and every request body it sends, before the SDK loads.
 */
const RECORDER = `
window.asked = [];
window.bodies = [];
const wrap = (name) => {
  const original = navigator.credentials[name].bind(navigator.credentials);
  navigator.credentials[name] = function (options) {
    const pk = options.publicKey;
    window.asked.push({ name, mediation: options.mediation ?? null, hints: pk.hints ?? null,
      prf: Boolean(pk.extensions && pk.extensions.prf) });
    if (name === 'create' && options.mediation === 'conditional' && window.grantUpgrade) {
      // Plays a browser that grants the upgrade (a password was just used): no prompt is shown.
      const { mediation, ...rest } = options;
      return original(rest);
    }
    return original(options);
  };
};
wrap('create');
wrap('get');
const fetchBefore = window.fetch;
window.fetch = function (input, init) {
  window.bodies.push(String(init && init.body));
  return fetchBefore.call(this, input, init);
};
`;

const SALT_A = Buffer.from('salt for the notes key, version 1').toString('base64url');
const SALT_B = Buffer.from('salt for the notes key, version 2').toString('base64url');

interface Outcome {
  nonce?: string;
  prf?: { enabled: boolean; results: { first: string; second?: string } | null };
  code?: string | null;
}

describe('ceremony options through @latchkey/browser in Chromium', { skip }, () => {
  let latchkey: LatchkeyServer;
  let page: PageServer;
  let app: TestApp;
  const logLines: string[] = [];
  const sessions: BrowserSession[] = [];

  before(async () => {
    // Every log line at the most talkative level, to search for the page's secrets afterwards.
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    latchkey = await startLatchkey({ logger: { level: 'trace', stream } });
    page = await startPageServer(latchkey.url);
    app = await createTestApp(latchkey, {
      origins: [page.origin],
      // A short WebAuthn timeout: the refused conditional create waits for it to run out.
      policy: { hints: ['client-device'], ceremonyTtlSeconds: 15 },
    });
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await page.close();
    await latchkey.close();
  });

  async function open(options: { hasPrf?: boolean } = {}): Promise<BrowserSession> {
    const session = await openBrowser(options);
    sessions.push(session);
    await session.page.addInitScript(RECORDER);
    await session.page.goto(`${page.origin}/`);
    await session.page.evaluate(
      `window.flex = new Latchkey.PassageFlex(${JSON.stringify(app.id)}, ${JSON.stringify({ baseUrl: latchkey.url })})`,
    );
    return session;
  }

  function run(session: BrowserSession, call: string): Promise<Outcome> {
    return session.page.evaluate(
      `(${call}).then((r) => typeof r === 'string' ? { nonce: r } : r, (e) => ({ code: e.code ?? null, message: String(e.message) }))`,
    ) as Promise<Outcome>;
  }

  const asked = (session: BrowserSession) =>
    session.page.evaluate('window.asked') as Promise<
      Array<{ name: string; mediation: string | null; hints: string[] | null; prf: boolean }>
    >;

  it("passes the app's hints, and the page's own for one ceremony", async () => {
    const session = await open();
    const tx = await app.registerTransaction('hint-ada');
    assert.ok((await run(session, `flex.passkey.register(${JSON.stringify(tx)})`)).nonce);
    const signIn = await run(session, `flex.passkey.authenticate({ hints: ['security-key'] })`);
    assert.ok(signIn.nonce, JSON.stringify(signIn));
    const calls = await asked(session);
    assert.deepEqual(calls[0]?.hints, ['client-device'], "the app's default");
    assert.deepEqual(calls[1]?.hints, ['security-key'], "the page's own");
    const bad = await run(session, `flex.passkey.authenticate({ hints: ['usb'] })`);
    assert.equal(bad.code, 'invalid_request');
  });

  it('runs an upgrade as a conditional create, which Chromium refuses without a recent password', async () => {
    const session = await open();
    const tx = await app.registerTransaction('upgrade-refused', { upgrade: true });
    const outcome = await run(session, `flex.passkey.register(${JSON.stringify(tx)})`);
    assert.equal(outcome.nonce, undefined);
    assert.equal(typeof outcome.code, 'string', 'a LatchkeyError the page can ignore');
    const [create] = await asked(session);
    assert.equal(create?.mediation, 'conditional');
    assert.equal((await app.devices('upgrade-refused')).length, 0);
  });

  it('accepts a passkey made without user presence only from an upgrade transaction', async () => {
    const session = await open();
    await session.page.evaluate('window.grantUpgrade = true');
    // The authenticator answers with UP=0, as a conditional create does.
    await session.cdp.send('WebAuthn.setResponseOverrideBits', {
      authenticatorId: session.authenticatorId,
      isBadUP: true,
    });
    const upgrade = await app.registerTransaction('upgrade-ok', { upgrade: true });
    const upgraded = await run(session, `flex.passkey.register(${JSON.stringify(upgrade)})`);
    assert.ok(upgraded.nonce, JSON.stringify(upgraded));
    assert.deepEqual(await app.verifyNonce(upgraded.nonce), { external_id: 'upgrade-ok' });
    const [device] = await app.devices('upgrade-ok');
    assert.equal((device as unknown as { created_by_upgrade: boolean }).created_by_upgrade, true);

    const plain = await app.registerTransaction('upgrade-not');
    const refused = await run(session, `flex.passkey.register(${JSON.stringify(plain)})`);
    assert.equal(refused.code, 'invalid_request', 'UP=0 outside an upgrade is refused');
    assert.equal((await app.devices('upgrade-not').catch(() => [])).length, 0);
  });

  it('hands the page stable 32-byte PRF outputs that the server never sees, keeps or logs', async () => {
    const session = await open({ hasPrf: true });
    const tx = await app.registerTransaction('prf-ada');
    const made = await run(
      session,
      `flex.passkey.register(${JSON.stringify(tx)}, { prf: { first: ${JSON.stringify(SALT_A)} } })`,
    );
    assert.ok(made.nonce, JSON.stringify(made));
    assert.equal(made.prf?.enabled, true);
    const [device] = await app.devices('prf-ada');
    assert.equal((device as unknown as { prf_enabled: boolean }).prf_enabled, true);

    const signIn = (salts: string) => run(session, `flex.passkey.authenticate({ prf: ${salts} })`);
    const first = await signIn(`{ first: ${JSON.stringify(SALT_A)} }`);
    const again = await signIn(`{ first: ${JSON.stringify(SALT_A)} }`);
    const both = await signIn(
      `{ first: ${JSON.stringify(SALT_B)}, second: ${JSON.stringify(SALT_A)} }`,
    );
    const a = first.prf?.results?.first ?? '';
    assert.equal(Buffer.from(a, 'base64url').byteLength, 32);
    assert.equal(again.prf?.results?.first, a, 'the same salt gives the same output');
    assert.notEqual(both.prf?.results?.first, a, 'another salt gives another output');
    assert.equal(both.prf?.results?.second, a);
    assert.equal((await asked(session)).at(-1)?.prf, true);

    const secrets = [SALT_A, SALT_B, a, both.prf?.results?.first ?? ''];
    const sent = (await session.page.evaluate('window.bodies')) as string[];
    assert.ok(sent.length >= 8, 'start and finish of each ceremony were seen');
    for (const secret of secrets) {
      assert.equal(sent.join('\n').includes(secret), false, 'a request carried a PRF secret');
    }
    let rows = '';
    for (const table of ['credentials', 'ceremonies', 'transactions', 'nonces', 'audit_events']) {
      const { rows: found } = await sql`SELECT * FROM ${sql.table(table)}`.execute(
        latchkey.store.db,
      );
      rows += JSON.stringify(found);
    }
    assert.ok(rows.includes(device?.cred_id ?? '?'), 'the dump holds the passkey');
    assert.ok(logLines.length > 0, 'the server logged');
    for (const secret of secrets) {
      assert.equal(rows.includes(secret), false, 'the store kept a PRF secret');
      assert.equal(logLines.join('').includes(secret), false, 'the log holds a PRF secret');
    }
  });
});
