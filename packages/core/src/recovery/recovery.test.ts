/**
 * Account recovery through core on a real store with the software authenticator: the recovery
 * transaction, its registration (checked as any other), the atomic revocation of the user's other
 * passkeys, and the audit trail.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AuditEventRecord } from '../audit/audit-port.ts';
import { finishAuthentication } from '../authentication/finish-authentication.ts';
import { startAuthentication } from '../authentication/start-authentication.ts';
import { finishRegistration } from '../registration/finish-registration.ts';
import { startRegistration } from '../registration/start-registration.ts';
import {
  type CeremonyHarness,
  openHarness,
  refused,
  registeredUser,
} from '../testing/ceremony-harness.ts';
import { createTransaction } from '../transactions/create-transaction.ts';
import { createRecoveryTransaction } from './create-recovery-transaction.ts';

type Overrides = Parameters<SoftwareAuthenticator['createCredential']>[0]['overrides'];

describe('account recovery', () => {
  let h: CeremonyHarness;
  let alice: Awaited<ReturnType<typeof registeredUser>>;
  beforeEach(async () => {
    h = await openHarness();
    alice = await registeredUser(h, 'alice');
    h.advance(1_000);
  });
  afterEach(() => h.close());

  const events = (type: AuditEventRecord['type']) =>
    h.runtime.store.audit.list({ appId: h.app.id, type, limit: 50 });
  const devices = async () =>
    (await h.runtime.store.credentials.listByUser(h.app.id, alice.user.id)).map((c) => c.id);

  /** Starts the registration of a recovery transaction and answers it with a new authenticator. */
  async function startRecovery(
    options: { revokeOtherPasskeys?: boolean; overrides?: Overrides } = {},
  ) {
    const tx = await createRecoveryTransaction(h.runtime, {
      appId: h.app.id,
      externalId: 'alice',
      ...(options.revokeOtherPasskeys === undefined
        ? {}
        : { revokeOtherPasskeys: options.revokeOtherPasskeys }),
    });
    const started = await startRegistration(h.runtime, { appId: h.app.id, transactionId: tx.id });
    const authenticator = new SoftwareAuthenticator();
    const response = await authenticator.createCredential({
      options: started.options,
      origin: h.origin,
      ...(options.overrides ? { overrides: options.overrides } : {}),
    });
    return { tx, started, authenticator, response };
  }

  function finish(
    started: { ceremonyId: string; transactionId: string },
    response: RegistrationResponseJSON,
  ) {
    return finishRegistration(h.runtime, {
      appId: h.app.id,
      ceremonyId: started.ceremonyId,
      transactionId: started.transactionId,
      response,
    });
  }

  /** A plain register transaction for `externalId`, started and answered, not yet finished. */
  async function beginRegistration(externalId: string, overrides?: Overrides) {
    const tx = await createTransaction(h.runtime, {
      appId: h.app.id,
      kind: 'register',
      externalId,
    });
    const started = await startRegistration(h.runtime, { appId: h.app.id, transactionId: tx.id });
    const response = await new SoftwareAuthenticator().createCredential({
      options: started.options,
      origin: h.origin,
      ...(overrides ? { overrides } : {}),
    });
    return { started, response };
  }

  /** A discoverable sign-in with `authenticator`. */
  async function signIn(authenticator: SoftwareAuthenticator) {
    const started = await startAuthentication(h.runtime, { appId: h.app.id, transactionId: null });
    const response = await authenticator.getAssertion({
      options: started.options,
      origin: h.origin,
    });
    return finishAuthentication(h.runtime, {
      appId: h.app.id,
      ceremonyId: started.ceremonyId,
      transactionId: null,
      response,
    });
  }

  it('records recovery.started, saying the other passkeys will be revoked by default', async () => {
    const tx = await createRecoveryTransaction(h.runtime, { appId: h.app.id, externalId: 'alice' });
    assert.equal(tx.kind, 'register');
    assert.deepEqual(tx.recovery, { revokeOtherPasskeys: true });
    const [started] = await events('recovery.started');
    assert.equal(started?.userId, alice.user.id);
    assert.deepEqual(started?.data, {
      transactionId: tx.id,
      revokeOtherPasskeys: true,
      passkeys: 1,
    });
  });

  it('refuses an unknown external id with user_not_found, creating no user', async () => {
    await assert.rejects(
      createRecoveryTransaction(h.runtime, { appId: h.app.id, externalId: 'mallory' }),
      refused('user_not_found'),
    );
    assert.equal(await h.runtime.store.users.findByExternalId(h.app.id, 'mallory'), null);
    assert.deepEqual(await events('recovery.started'), []);
  });

  it('refuses an external id that could be no one’s, and an unknown app', async () => {
    await assert.rejects(
      createRecoveryTransaction(h.runtime, { appId: h.app.id, externalId: 'a\u0000b' }),
      refused('invalid_request'),
    );
    await assert.rejects(
      createRecoveryTransaction(h.runtime, { appId: 'no-such-app', externalId: 'alice' }),
      refused('app_not_found'),
    );
  });

  it('excludes no passkey when the others will be revoked, and every one when they are kept', async () => {
    const revoking = await startRecovery();
    assert.deepEqual(revoking.started.options.excludeCredentials, []);
    const keeping = await startRecovery({ revokeOtherPasskeys: false });
    assert.deepEqual(
      keeping.started.options.excludeCredentials?.map((c) => c.id),
      [alice.credential.credentialId],
    );
  });

  it('registers the new passkey and revokes the others, so the old one no longer signs in', async () => {
    const second = await registeredUser(h, 'alice', {});
    h.advance(1_000);
    const { started, authenticator, response } = await startRecovery();
    const finished = await finish(started, response);

    assert.deepEqual(await devices(), [finished.credential.id]);
    assert.deepEqual(finished.acceptedCredentialIds, [response.id]);
    await assert.rejects(signIn(alice.authenticator), refused('credential_unknown'));
    await assert.rejects(signIn(second.authenticator), refused('credential_unknown'));
    const signedIn = await signIn(authenticator);
    assert.equal(signedIn.credential.id, finished.credential.id);
  });

  it('audits each revoked passkey with the reason recovery, and recovery.completed', async () => {
    const { started, response } = await startRecovery();
    const finished = await finish(started, response);

    const [revoked] = await events('credential.revoked');
    assert.equal(revoked?.credentialId, alice.credential.id);
    assert.equal(revoked?.reason, 'recovery');
    assert.equal(revoked?.data?.credentialId, alice.credential.credentialId);
    const [completed] = await events('recovery.completed');
    assert.equal(completed?.userId, alice.user.id);
    assert.equal(completed?.credentialId, finished.credential.id);
    assert.deepEqual(completed?.data, {
      transactionId: started.transactionId,
      ceremonyId: started.ceremonyId,
      credentialId: response.id,
      revokeOtherPasskeys: true,
      revoked: 1,
      revokedDeviceIds: [alice.credential.id],
    });
    const [registered] = await events('credential.registered');
    assert.equal(registered?.data?.recovery, true);
    const [succeeded] = await events('ceremony.succeeded');
    assert.equal(succeeded?.data?.recovery, true);
  });

  it('keeps the other passkeys when asked to, and they still sign in', async () => {
    const { started, authenticator, response } = await startRecovery({
      revokeOtherPasskeys: false,
    });
    const finished = await finish(started, response);
    assert.deepEqual(
      (await devices()).sort(),
      [alice.credential.id, finished.credential.id].sort(),
    );
    await signIn(alice.authenticator);
    await signIn(authenticator);
    assert.deepEqual(await events('credential.revoked'), []);
    const [completed] = await events('recovery.completed');
    assert.equal(completed?.data?.revoked, 0);
    assert.equal(completed?.data?.revokeOtherPasskeys, false);
  });

  it('recovers a user who has no passkey left', async () => {
    await h.runtime.store.credentials.delete(h.app.id, alice.user.id, alice.credential.id);
    const { started, response } = await startRecovery();
    const finished = await finish(started, response);
    assert.deepEqual(await devices(), [finished.credential.id]);
  });

  it('checks the response as any registration: a wrong origin registers nothing and revokes nothing', async () => {
    const { started, response } = await startRecovery({
      overrides: { origin: 'https://evil.example' },
    });
    await assert.rejects(
      finish(started, response),
      refused('registration_rejected', 'origin_mismatch'),
    );
    assert.deepEqual(await devices(), [alice.credential.id]);
    assert.deepEqual(await events('recovery.completed'), []);
    const [failed] = await events('ceremony.failed');
    assert.equal(failed?.data?.recovery, true);
  });

  it('refuses a recovery registration without user verification', async () => {
    const { started, response } = await startRecovery({ overrides: { flags: { uv: false } } });
    await assert.rejects(
      finish(started, response),
      refused('registration_rejected', 'user_not_verified'),
    );
    assert.deepEqual(await devices(), [alice.credential.id]);
  });

  it('cannot be used to sign in', async () => {
    const tx = await createRecoveryTransaction(h.runtime, { appId: h.app.id, externalId: 'alice' });
    await assert.rejects(
      startAuthentication(h.runtime, { appId: h.app.id, transactionId: tx.id }),
      refused('transaction_invalid'),
    );
  });

  it('is used once, and not once expired', async () => {
    const used = await createRecoveryTransaction(h.runtime, {
      appId: h.app.id,
      externalId: 'alice',
    });
    await startRegistration(h.runtime, { appId: h.app.id, transactionId: used.id });
    await assert.rejects(
      startRegistration(h.runtime, { appId: h.app.id, transactionId: used.id }),
      refused('transaction_invalid'),
    );
    const expired = await createRecoveryTransaction(h.runtime, {
      appId: h.app.id,
      externalId: 'alice',
    });
    h.advance(h.app.policy.transactionTtlSeconds * 1000);
    await assert.rejects(
      startRegistration(h.runtime, { appId: h.app.id, transactionId: expired.id }),
      refused('transaction_invalid'),
    );
  });

  it('refuses a replayed finish of the recovery ceremony', async () => {
    const { started, response } = await startRecovery();
    await finish(started, response);
    await assert.rejects(finish(started, response), refused('ceremony_invalid'));
  });

  it('revokes the last PRF passkey without asking, and reports it', async () => {
    const prf = await registeredUser(h, 'pat');
    await h.runtime.store.credentials.delete(h.app.id, prf.user.id, prf.credential.id);
    const withPrf = await beginRegistration('pat', {
      clientExtensionResults: { credProps: { rk: true }, prf: { enabled: true } },
    });
    await finish(withPrf.started, withPrf.response);
    h.advance(1_000);
    const recovery = await createRecoveryTransaction(h.runtime, {
      appId: h.app.id,
      externalId: 'pat',
    });
    const started = await startRegistration(h.runtime, {
      appId: h.app.id,
      transactionId: recovery.id,
    });
    const response = await new SoftwareAuthenticator().createCredential({
      options: started.options,
      origin: h.origin,
    });
    await finish(started, response);
    const [completed] = await events('recovery.completed');
    assert.equal(completed?.data?.prfPasskeysRevoked, 1);
    const [revoked] = await events('credential.revoked');
    assert.equal(revoked?.data?.prfEnabled, true);
  });

  it('refuses a registration begun before the recovery and finished after it', async () => {
    const begun = await beginRegistration('alice');
    h.advance(1_000);
    const { started, response } = await startRecovery();
    const finished = await finish(started, response);
    h.advance(1_000);
    await assert.rejects(
      finish(begun.started, begun.response),
      refused('registration_rejected', 'superseded_by_recovery'),
    );
    assert.deepEqual(await devices(), [finished.credential.id]);
    // A registration begun after the recovery adds a passkey as usual.
    await registeredUser(h, 'alice');
    assert.equal((await devices()).length, 2);
  });
});
