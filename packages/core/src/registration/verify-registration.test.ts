/**
 * verifyRegistration on a real store with the software authenticator: each check refuses its
 * forged attestation, and a good one stores the credential.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AppPolicy } from '../apps/policy.ts';
import type { CeremonyRecord } from '../ceremonies/ceremony-port.ts';
import {
  burn,
  type CeremonyHarness,
  ceremony,
  openHarness,
  refused,
} from '../testing/ceremony-harness.ts';
import { createTransaction } from '../transactions/create-transaction.ts';
import { verifyRegistration } from './verify-registration.ts';

type CreateOptions = Parameters<SoftwareAuthenticator['createCredential']>[0];

describe('verifyRegistration', () => {
  let h: CeremonyHarness;
  afterEach(() => h.close());

  /** A register ceremony for a new user of an app with `policy`, and its creation options. */
  async function start(policy: Partial<AppPolicy> = {}, userId?: string | null) {
    h = await openHarness(policy);
    const tx = await createTransaction(h.runtime, {
      appId: h.app.id,
      kind: 'register',
      externalId: 'alice',
    });
    const issued = await ceremony(h, {
      kind: 'register',
      userId: userId === undefined ? tx.userId : userId,
      binding: { type: 'transaction', transactionId: tx.id },
    });
    const options: PublicKeyCredentialCreationOptionsJSON = {
      challenge: issued.challenge,
      rp: { name: h.app.name, id: h.app.rpId },
      user: { id: 'dXNlcg', name: 'alice', displayName: 'alice' },
      pubKeyCredParams: [
        { type: 'public-key', alg: -7 },
        { type: 'public-key', alg: -257 },
      ],
      authenticatorSelection: { userVerification: 'required', residentKey: 'required' },
    };
    return { issued, options, transactionId: tx.id };
  }

  async function verify(
    issued: CeremonyRecord,
    response: RegistrationResponseJSON,
  ): ReturnType<typeof verifyRegistration> {
    const burnt = await burn(h, issued, {
      type: 'transaction',
      transactionId: issued.binding.type === 'transaction' ? issued.binding.transactionId : null,
    });
    return verifyRegistration(h.runtime, { app: h.app, ceremony: burnt, response });
  }

  /** Starts, answers with `extra` (overrides, algorithm, attestation) and verifies. */
  async function register(
    extra: Omit<CreateOptions, 'options' | 'origin'> = {},
    policy: Partial<AppPolicy> = {},
  ) {
    const { issued, options } = await start(policy);
    const response = await new SoftwareAuthenticator().createCredential({
      options,
      origin: h.origin,
      ...extra,
    });
    return verify(issued, response);
  }

  it('verifies an attestation, stores the credential and records credential.registered', async () => {
    const { user, credential } = await register({ overrides: { signCount: 3 } });
    assert.equal(user.externalId, 'alice');
    const stored = await h.runtime.store.credentials.findById(h.app.id, credential.id);
    assert.deepEqual(stored, credential);
    assert.equal(stored?.counter, 3);
    const events = await h.runtime.store.audit.list({
      appId: h.app.id,
      type: 'credential.registered',
      limit: 5,
    });
    assert.equal(events[0]?.credentialId, credential.id);
  });

  it('refuses a ceremony bound to no user', async () => {
    const { issued, options } = await start({}, null);
    const response = await new SoftwareAuthenticator().createCredential({
      options,
      origin: h.origin,
    });
    await assert.rejects(
      verify(issued, response),
      refused('registration_rejected', 'malformed_response'),
    );
  });

  for (const [name, overrides, reason] of [
    ['an assertion posing as a registration', { type: 'webauthn.get' }, 'type_mismatch'],
    [
      'another challenge',
      { challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      'challenge_mismatch',
    ],
    ['another origin', { origin: 'https://evil.example' }, 'origin_mismatch'],
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
      'bytes after the attestation object',
      { attestationObjectSuffix: new Uint8Array([0]) },
      'malformed_response',
    ],
    [
      'a non-discoverable key where a passkey is required',
      { clientExtensionResults: { credProps: { rk: false } } },
      'resident_key_missing',
    ],
    ['a bad attestation signature', { corruptSignature: true }, 'attestation_invalid'],
  ] as const) {
    it(`refuses ${name} (${reason})`, async () => {
      const extra: Omit<CreateOptions, 'options' | 'origin'> =
        reason === 'attestation_invalid' ? { overrides, attestation: 'packed' } : { overrides };
      await assert.rejects(register(extra), refused('registration_rejected', reason));
    });
  }

  it('refuses a reported id that is not the attested one (credential_id_mismatch)', async () => {
    const { issued, options } = await start();
    const response = await new SoftwareAuthenticator().createCredential({
      options,
      origin: h.origin,
    });
    await assert.rejects(
      verify(issued, { ...response, id: 'AAAA', rawId: 'AAAA' }),
      refused('registration_rejected', 'credential_id_mismatch'),
    );
  });

  it('refuses an algorithm the app does not allow', async () => {
    await assert.rejects(
      register({ algorithm: 'RS256' }, { algorithms: ['ES256'] }),
      refused('registration_rejected', 'algorithm_not_allowed'),
    );
  });

  it('refuses a missing attestation statement where the app requires one', async () => {
    await assert.rejects(
      register({}, { attestation: 'direct' }),
      refused('registration_rejected', 'attestation_missing'),
    );
  });

  it('refuses a credential id that is already registered', async () => {
    const { issued, options, transactionId } = await start();
    const response = await new SoftwareAuthenticator().createCredential({
      options,
      origin: h.origin,
    });
    await verify(issued, response);
    // A second ceremony with the same challenge, answered by the same response.
    const again = await ceremony(h, {
      kind: 'register',
      userId: issued.userId,
      binding: { type: 'transaction', transactionId },
      challenge: issued.challenge,
    });
    await assert.rejects(
      verify(again, response),
      refused('credential_already_registered', 'credential_exists'),
    );
  });
});
