/**
 * verifyAuthentication on a real store with the software authenticator: each check refuses its
 * forged response, and a good response stores the use.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { CeremonyRecord } from '../ceremonies/ceremony-port.ts';
import {
  assertionFor,
  burn,
  type CeremonyHarness,
  ceremony,
  openHarness,
  refused,
  registeredUser,
} from '../testing/ceremony-harness.ts';
import type { UserRecord } from '../users/user-port.ts';
import { verifyAuthentication } from './verify-authentication.ts';

describe('verifyAuthentication', () => {
  let h: CeremonyHarness;
  let alice: { user: UserRecord; authenticator: SoftwareAuthenticator };

  beforeEach(async () => {
    h = await openHarness();
    alice = await registeredUser(h, 'alice');
  });
  afterEach(() => h.close());

  /** A ceremony for Alice, answered (with `overrides`), burnt and verified. */
  async function verify(
    overrides?: Parameters<typeof assertionFor>[3],
    options: { userId?: string | null; edit?: (r: AuthenticationResponseJSON) => void } = {},
  ) {
    const issued = await ceremony(h, {
      kind: 'authenticate',
      userId: options.userId === undefined ? alice.user.id : options.userId,
    });
    const response = await assertionFor(h, alice.authenticator, issued, overrides);
    options.edit?.(response);
    return verifyAuthentication(h.runtime, {
      app: h.app,
      ceremony: await burn(h, issued),
      response,
    });
  }

  it("verifies Alice's assertion, stores the counter and records the sign-in", async () => {
    const { user, credential, userVerified } = await verify({ signCount: 7 });
    assert.equal(user.id, alice.user.id);
    assert.equal(user.loginCount, 1);
    assert.equal(userVerified, true);
    const stored = await h.runtime.store.credentials.findById(h.app.id, credential.id);
    assert.equal(stored?.counter, 7);
    assert.equal(stored?.usageCount, 1);
  });

  it('refuses a response whose id and raw id differ', async () => {
    await assert.rejects(
      verify(undefined, { edit: (r) => Object.assign(r, { rawId: 'AAAA' }) }),
      refused('authentication_rejected', 'credential_id_mismatch'),
    );
  });

  it('refuses an unknown credential: rejected when bound to a user, credential_unknown when discoverable', async () => {
    const forge = (r: AuthenticationResponseJSON) =>
      Object.assign(r, { id: 'AAAA', rawId: 'AAAA' });
    await assert.rejects(
      verify(undefined, { edit: forge }),
      refused('authentication_rejected', 'credential_unknown'),
    );
    await assert.rejects(
      verify(undefined, { userId: null, edit: forge }),
      refused('credential_unknown', 'credential_unknown'),
    );
  });

  it("refuses another user's credential for a ceremony bound to Alice", async () => {
    const mallory = await registeredUser(h, 'mallory');
    const issued = await ceremony(h, { kind: 'authenticate', userId: alice.user.id });
    const response = await assertionFor(h, mallory.authenticator, issued);
    await assert.rejects(
      verifyAuthentication(h.runtime, { app: h.app, ceremony: await burn(h, issued), response }),
      refused('authentication_rejected', 'credential_not_allowed'),
    );
  });

  for (const [name, overrides, reason] of [
    ['a registration posing as an assertion', { type: 'webauthn.create' }, 'type_mismatch'],
    [
      'another challenge',
      { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      'challenge_mismatch',
    ],
    ['another origin', { origin: 'https://bank.example.evil' }, 'origin_mismatch'],
    ['a cross-origin ceremony', { crossOrigin: true }, 'cross_origin'],
    ['another RP ID', { rpId: 'evil.example' }, 'rp_id_mismatch'],
    ['no user presence', { flags: { up: false } }, 'user_not_present'],
    ['no user verification where it is required', { flags: { uv: false } }, 'user_not_verified'],
    [
      'backup state without eligibility',
      { flags: { be: false, bs: true } },
      'backup_flags_invalid',
    ],
    [
      'backup eligibility that changed',
      { flags: { be: false, bs: false } },
      'backup_eligibility_changed',
    ],
    ['a bad signature', { corruptSignature: true }, 'signature_invalid'],
  ] as const) {
    it(`refuses ${name} (${reason})`, async () => {
      await assert.rejects(verify(overrides), refused('authentication_rejected', reason));
    });
  }

  it('refuses a malformed authenticatorData', async () => {
    await assert.rejects(
      verify(undefined, {
        edit: (r) => Object.assign(r.response, { authenticatorData: '!!not base64url' }),
      }),
      refused('authentication_rejected'),
    );
  });

  it('accepts a missing user verification where the ceremony does not require it', async () => {
    const issued: CeremonyRecord = await ceremony(h, {
      kind: 'authenticate',
      userId: alice.user.id,
      userVerificationRequired: false,
    });
    const response = await assertionFor(h, alice.authenticator, issued, { flags: { uv: false } });
    const verified = await verifyAuthentication(h.runtime, {
      app: h.app,
      ceremony: await burn(h, issued),
      response,
    });
    assert.equal(verified.userVerified, false);
  });

  it("refuses a device-bound credential's counter regression, and only flags a synced one's", async () => {
    const device = await registeredUser(h, 'dora', { backupEligible: false });
    const answer = async (who: typeof device, signCount: number) => {
      const issued = await ceremony(h, { kind: 'authenticate', userId: who.user.id });
      const response = await assertionFor(h, who.authenticator, issued, { signCount });
      return verifyAuthentication(h.runtime, {
        app: h.app,
        ceremony: await burn(h, issued),
        response,
      });
    };
    await answer(device, 10);
    await assert.rejects(
      answer(device, 5),
      refused('authentication_rejected', 'counter_regression'),
    );
    const synced = await registeredUser(h, 'sam');
    await answer(synced, 10);
    await answer(synced, 5);
    const flagged = await h.runtime.store.audit.list({
      appId: h.app.id,
      type: 'credential.counter_flagged',
      limit: 10,
    });
    assert.equal(flagged.length, 1);
    assert.equal(flagged[0]?.userId, synced.user.id);
  });
});
