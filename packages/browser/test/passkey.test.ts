import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type BrowserSession,
  browserUnavailableReason,
  openBrowser,
  type VirtualAuthenticatorOptions,
} from '../../../e2e/support/chromium.ts';
import {
  createTestApp,
  type LatchkeyServer,
  type PageServer,
  startLatchkey,
  startPageServer,
  type TestApp,
  toBase64Url,
} from './browser-fixture.ts';

interface Outcome {
  nonce?: string;
  code?: string | null;
  message?: string;
}

interface Signal {
  name: string;
  options: {
    rpId: string;
    credentialId?: string;
    userId?: string;
    allAcceptedCredentialIds?: string[];
  };
}

const skip = browserUnavailableReason() ?? false;

describe('@latchkey/browser in Chromium', { skip }, () => {
  let latchkey: LatchkeyServer;
  let page: PageServer;
  let app: TestApp;
  const sessions: BrowserSession[] = [];

  before(async () => {
    latchkey = await startLatchkey();
    page = await startPageServer(latchkey.url);
    app = await createTestApp(latchkey, { origins: [page.origin] });
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await page.close();
    await latchkey.close();
  });

  /** A fresh browser on the test page, with `window.flex` made for an app. */
  async function open(
    options: {
      appId?: string;
      origin?: string;
      baseUrl?: string;
      timeout?: number;
      authenticator?: VirtualAuthenticatorOptions;
    } = {},
  ): Promise<BrowserSession> {
    const session = await openBrowser(options.authenticator);
    sessions.push(session);
    await session.page.goto(`${options.origin ?? page.origin}/`);
    const settings = {
      baseUrl: options.baseUrl ?? latchkey.url,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    };
    await session.page.evaluate(
      `window.flex = new Latchkey.PassageFlex(${JSON.stringify(options.appId ?? app.id)}, ${JSON.stringify(settings)})`,
    );
    return session;
  }

  /** Runs an SDK call in the page and settles it into a nonce or an error code. */
  function run(session: BrowserSession, call: string): Promise<Outcome> {
    return session.page.evaluate(`window.outcome(${call})`) as Promise<Outcome>;
  }

  const register = (session: BrowserSession, transactionId: string, options: object = {}) =>
    run(
      session,
      `flex.passkey.register(${JSON.stringify(transactionId)}, ${JSON.stringify(options)})`,
    );
  const authenticate = (session: BrowserSession, options: object = {}) =>
    run(session, `flex.passkey.authenticate(${JSON.stringify(options)})`);
  const signals = (session: BrowserSession) =>
    session.page.evaluate('window.signals') as Promise<Signal[]>;

  /** Registers a passkey in the browser for an external id; returns the credential id. */
  async function enroll(session: BrowserSession, externalId: string): Promise<string> {
    const outcome = await register(session, await app.registerTransaction(externalId));
    assert.ok(outcome.nonce, `register: ${JSON.stringify(outcome)}`);
    const devices = await app.devices(externalId);
    return devices.at(-1)!.cred_id;
  }

  it('registers a passkey; the nonce verifies to the external id; the accepted list is signalled', async () => {
    const session = await open();
    const outcome = await register(session, await app.registerTransaction('ada'), {
      authenticatorAttachment: 'platform',
    });
    assert.ok(outcome.nonce, JSON.stringify(outcome));
    assert.deepEqual(await app.verifyNonce(outcome.nonce), { external_id: 'ada' });
    assert.equal((await app.verifyNonce(outcome.nonce)).code, 'invalid_nonce', 'single use');

    const [held] = await session.credentials();
    const credentialId = toBase64Url(held!.credentialId);
    const sent = await signals(session);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.name, 'signalAllAcceptedCredentials');
    assert.equal(sent[0]!.options.rpId, 'localhost');
    assert.deepEqual(sent[0]!.options.allAcceptedCredentialIds, [credentialId]);
    assert.equal(typeof sent[0]!.options.userId, 'string');

    const requests = (await session.page.evaluate('window.requests')) as Array<{
      headers: Record<string, string>;
    }>;
    assert.equal(requests.length, 2, 'start and finish');
    for (const request of requests) {
      assert.match(request.headers['Passage-Flex-Version'] ?? '', /^latchkey-browser\//);
    }
  });

  it('signs in with a transaction, and without one (discoverable)', async () => {
    const session = await open();
    await enroll(session, 'brook');

    const withTransaction = await authenticate(session, {
      transactionId: await app.authenticateTransaction('brook'),
    });
    assert.ok(withTransaction.nonce, JSON.stringify(withTransaction));
    assert.deepEqual(await app.verifyNonce(withTransaction.nonce), { external_id: 'brook' });

    const discoverable = await authenticate(session);
    assert.ok(discoverable.nonce, JSON.stringify(discoverable));
    assert.deepEqual(await app.verifyNonce(discoverable.nonce), { external_id: 'brook' });

    const sent = await signals(session);
    assert.deepEqual(
      sent.map((s) => s.name),
      [
        'signalAllAcceptedCredentials',
        'signalAllAcceptedCredentials',
        'signalAllAcceptedCredentials',
      ],
      'after the registration and after each sign-in',
    );
  });

  it('signs in through autofill (conditional mediation)', async () => {
    const session = await open();
    await enroll(session, 'cyd');
    assert.equal(await session.page.evaluate('flex.passkey.canUseConditionalMediation()'), true);
    const outcome = await authenticate(session, { isConditionalMediation: true });
    assert.ok(outcome.nonce, JSON.stringify(outcome));
    assert.deepEqual(await app.verifyNonce(outcome.nonce), { external_id: 'cyd' });
  });

  it('answers the capability checks, also as named exports and under the Latchkey name', async () => {
    const session = await open();
    assert.deepEqual(
      await session.page.evaluate(`Promise.all([
        flex.passkey.canRegisterPasskey(),
        flex.passkey.canAuthenticateWithPasskey(),
        flex.passkey.canUseConditionalMediation(),
        Latchkey.canRegisterPasskey(),
        Latchkey.Latchkey === Latchkey.PassageFlex,
      ])`),
      [true, true, true, true, true],
    );
  });

  it('refuses a second passkey on the same authenticator with already_registered', async () => {
    const session = await open();
    await enroll(session, 'dee');
    const again = await register(session, await app.registerTransaction('dee'));
    assert.equal(again.code, 'already_registered', JSON.stringify(again));
    assert.equal((await app.devices('dee')).length, 1);
  });

  it('reports failed user verification as user_canceled, for both ceremonies', async () => {
    const session = await open();
    await enroll(session, 'eve');
    await session.setUserVerified(false);
    const signIn = await authenticate(session, {
      transactionId: await app.authenticateTransaction('eve'),
    });
    assert.equal(signIn.code, 'user_canceled', JSON.stringify(signIn));
    await session.clearCredentials();
    const enrolment = await register(session, await app.registerTransaction('eve'));
    assert.equal(enrolment.code, 'user_canceled', JSON.stringify(enrolment));
  });

  it('reports a missing passkey as user_canceled, since Chromium does not tell it apart', async () => {
    const session = await open();
    await enroll(session, 'fay');
    await session.clearCredentials();
    const withTransaction = await authenticate(session, {
      transactionId: await app.authenticateTransaction('fay'),
    });
    assert.equal(withTransaction.code, 'user_canceled', JSON.stringify(withTransaction));
    const discoverable = await authenticate(session);
    assert.equal(discoverable.code, 'user_canceled', JSON.stringify(discoverable));
  });

  it('reports a page whose domain cannot use the RP ID as invalid_domain', async () => {
    // An IP address is never a valid RP ID (WebAuthn L3 §5.1.3 step 7).
    // latchkey refuses such an origin, so the record is written past it, as an old one could be.
    const ipOrigin = `http://127.0.0.1:${page.port}`;
    const ipApp = await createTestApp(latchkey, { origins: [page.origin] });
    const ipRecord = await latchkey.store.apps.findById(ipApp.id);
    await latchkey.store.apps.update({ ...ipRecord!, origins: [ipOrigin], rpId: '127.0.0.1' });
    const onIp = await open({ appId: ipApp.id, origin: ipOrigin });
    const onIpOutcome = await register(onIp, await ipApp.registerTransaction('gil'));
    assert.equal(onIpOutcome.code, 'invalid_domain', JSON.stringify(onIpOutcome));

    // An RP ID that is not this page's domain (§5.1.3 step 8).
    const otherRp = await createTestApp(latchkey, { origins: [page.origin] });
    const record = await latchkey.store.apps.findById(otherRp.id);
    await latchkey.store.apps.update({ ...record!, rpId: 'bank.example' });
    const session = await open({ appId: otherRp.id });
    const outcome = await register(session, await otherRp.registerTransaction('gil'));
    assert.equal(outcome.code, 'invalid_domain', JSON.stringify(outcome));
    const signIn = await authenticate(session);
    assert.equal(signIn.code, 'invalid_domain', JSON.stringify(signIn));
  });

  it('signals an unknown credential when the server no longer knows the passkey', async () => {
    const session = await open();
    const credentialId = await enroll(session, 'hal');
    const [device] = await app.devices('hal');
    await app.revokeDevice('hal', device!.id);

    const outcome = await authenticate(session);
    assert.equal(outcome.code, 'discoverable_login_failed', JSON.stringify(outcome));
    const unknown = (await signals(session)).filter((s) => s.name === 'signalUnknownCredential');
    assert.deepEqual(
      unknown.map((s) => s.options),
      [{ rpId: 'localhost', credentialId }],
    );
  });

  it('signals the accepted credentials after a revoke, without the revoked one', async () => {
    const session = await open();
    const first = await enroll(session, 'ivy');
    // One authenticator keeps one discoverable credential per user, so the first passkey is moved
    // aside while a second one is made, then put back as a non-discoverable credential: the
    // authenticator answers with either, as a person with two passkeys would.
    const [saved] = (
      await session.cdp.send('WebAuthn.getCredentials', {
        authenticatorId: session.authenticatorId,
      })
    ).credentials;
    await session.clearCredentials();
    const second = await enroll(session, 'ivy');
    const { userHandle: _handle, ...nonResident } = saved!;
    await session.cdp.send('WebAuthn.addCredential', {
      authenticatorId: session.authenticatorId,
      credential: { ...nonResident, isResidentCredential: false },
    });
    assert.equal((await session.credentials()).length, 2);

    const before = await authenticate(session, {
      transactionId: await app.authenticateTransaction('ivy'),
    });
    assert.ok(before.nonce, JSON.stringify(before));
    const firstDevice = (await app.devices('ivy')).find((d) => d.cred_id === first);
    await app.revokeDevice('ivy', firstDevice!.id);
    const afterRevoke = await authenticate(session, {
      transactionId: await app.authenticateTransaction('ivy'),
    });
    assert.ok(afterRevoke.nonce, JSON.stringify(afterRevoke));

    const accepted = (await signals(session))
      .filter((s) => s.name === 'signalAllAcceptedCredentials')
      .map((s) => [...(s.options.allAcceptedCredentialIds ?? [])].sort());
    assert.deepEqual(accepted.at(-2), [first, second].sort(), 'before the revoke');
    assert.deepEqual(accepted.at(-1), [second], 'after the revoke');
  });

  it('aborts a pending conditional sign-in when a new ceremony starts', async () => {
    // An authenticator that waits for a touch keeps the autofill request pending, as a person who
    // has not yet picked a passkey does (with presence simulated it would answer at once).
    const session = await open();
    const presence = (enabled: boolean) =>
      session.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
        authenticatorId: session.authenticatorId,
        enabled,
      });
    await presence(false);
    await session.page.evaluate(
      // The comma keeps evaluate from waiting for the pending promise.
      'window.pending = window.outcome(flex.passkey.authenticate({ isConditionalMediation: true })), 0',
    );
    await session.page.waitForFunction('window.credentialGets === 1');
    await presence(true);
    const registered = await register(session, await app.registerTransaction('jo'));
    assert.ok(registered.nonce, JSON.stringify(registered));
    const pending = (await session.page.evaluate('window.pending')) as Outcome;
    assert.equal(pending.code, 'aborted', JSON.stringify(pending));

    // Also while the conditional one is still fetching its options.
    const racing = (await session.page.evaluate(`(async () => {
      const conditional = window.outcome(flex.passkey.authenticate({ isConditionalMediation: true }));
      const modal = window.outcome(flex.passkey.authenticate());
      return [await conditional, await modal];
    })()`)) as [Outcome, Outcome];
    assert.equal(racing[0].code, 'aborted', JSON.stringify(racing[0]));
    assert.ok(racing[1].nonce, JSON.stringify(racing[1]));
    assert.deepEqual(await app.verifyNonce(racing[1].nonce), { external_id: 'jo' });
  });

  it('reports a prompt nobody answers as timeout', async () => {
    const session = await open({ timeout: 1000 });
    await session.cdp.send('WebAuthn.removeVirtualAuthenticator', {
      authenticatorId: session.authenticatorId,
    });
    const outcome = await authenticate(session);
    assert.equal(outcome.code, 'timeout', JSON.stringify(outcome));
  });

  it('passes the server’s codes through', async () => {
    const session = await open();
    const used = await app.registerTransaction('kim-2');
    assert.ok((await register(session, used)).nonce);
    const replay = await register(session, used);
    assert.equal(replay.code, 'invalid_request', JSON.stringify(replay));

    // A signature the server cannot verify.
    await session.cdp.send('WebAuthn.setResponseOverrideBits', {
      authenticatorId: session.authenticatorId,
      isBogusSignature: true,
    });
    const bogus = await authenticate(session, {
      transactionId: await app.authenticateTransaction('kim-2'),
    });
    assert.equal(bogus.code, 'webauthn_login_failed', JSON.stringify(bogus));

    // Through the page's own origin (the SDK's default base URL), where no CORS stands in the way.
    const unknownApp = await open({ appId: 'no-such-app', baseUrl: page.origin });
    const missing = await authenticate(unknownApp);
    assert.equal(missing.code, 'app_not_found', JSON.stringify(missing));
  });

  it('reports an unreachable server as network_error and a page without an autofill input as not_supported', async () => {
    const closed = await open({ baseUrl: 'http://127.0.0.1:9' });
    const outcome = await authenticate(closed);
    assert.equal(outcome.code, 'network_error', JSON.stringify(outcome));

    const session = await open();
    await session.page.evaluate('document.getElementById("username").remove()');
    const conditional = await authenticate(session, { isConditionalMediation: true });
    assert.equal(conditional.code, 'not_supported', JSON.stringify(conditional));
  });
});
