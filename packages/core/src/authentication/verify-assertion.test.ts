/**
 * Differential test of the fast assertion check: on the same valid and forged assertions it must
 * accept exactly what `verifyAuthenticationResponse` of `@simplewebauthn/server` followed by the
 * canonical-DER check accepts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCOSEPublicKey, SoftwareAuthenticator } from '@latchkey/authenticator';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import fc from 'fast-check';
import { strictEcdsaSignature } from './strict-ecdsa-signature.ts';
import { type AssertionExpectations, verifyAssertion } from './verify-assertion.ts';

const RP_ID = 'example.com';
const ORIGIN = 'https://example.com';
const ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;

/** What the library, then the strict check, decide; a throw is a refusal. */
async function reference(expected: AssertionExpectations): Promise<boolean> {
  try {
    const result = await verifyAuthenticationResponse({
      response: expected.response,
      expectedChallenge: expected.challenge,
      expectedOrigin: expected.origins,
      expectedRPID: expected.rpId,
      credential: {
        id: expected.response.id,
        publicKey: isoBase64URL.toBuffer(expected.publicKey),
        counter: 0,
      },
      requireUserVerification: expected.requireUserVerification,
    });
    if (!result.verified) return false;
    return (
      strictEcdsaSignature({
        publicKey: isoBase64URL.toBuffer(expected.publicKey),
        authenticatorData: isoBase64URL.toBuffer(expected.response.response.authenticatorData),
        clientDataJSON: isoBase64URL.toBuffer(expected.response.response.clientDataJSON),
        signature: isoBase64URL.toBuffer(expected.response.response.signature),
      }) !== false
    );
  } catch {
    return false;
  }
}

async function candidate(expected: AssertionExpectations): Promise<boolean> {
  try {
    return await verifyAssertion(expected);
  } catch {
    return false;
  }
}

/** One authenticator with a credential of the algorithm; `claimed` is the COSE alg the server stores. */
async function enrol(algorithm: (typeof ALGORITHMS)[number], claimed?: number) {
  const authenticator = new SoftwareAuthenticator();
  const options = await generateRegistrationOptions({
    rpName: 'Example',
    rpID: RP_ID,
    userName: 'alice',
    supportedAlgorithmIDs: [-7, -8, -257],
  });
  const registration = await authenticator.createCredential({ options, origin: ORIGIN, algorithm });
  const stored = registration.credential;
  const publicKey = isoBase64URL.fromBuffer(
    new Uint8Array(
      encodeCOSEPublicKey({ publicKey: stored.publicKey, algorithm, claimedAlgorithm: claimed }),
    ),
  );
  return { authenticator, publicKey };
}

/** The forgeries: each changes one thing a verifier must look at. */
const forgery = fc.oneof(
  fc.constant({}),
  fc.constant({ corruptSignature: true }),
  fc.record({ flags: fc.record({ up: fc.boolean(), uv: fc.boolean() }) }),
  fc.constant({ rpId: 'evil.example' }),
  fc.constant({ challenge: 'AAAA' }),
  fc.constantFrom({ origin: 'https://evil.example' }, { origin: 'https://example.com:8443' }),
  fc.constantFrom({ type: 'webauthn.create' }, { type: 'payment.get' }),
  fc.constantFrom(
    { topOrigin: ORIGIN },
    { crossOrigin: true },
    { crossOrigin: true, topOrigin: ORIGIN },
  ),
  fc.constantFrom(
    { extraClientData: { tokenBinding: { status: 'present' } } },
    { extraClientData: { tokenBinding: { status: 'bogus' } } },
    { extraClientData: { tokenBinding: 'present' } },
  ),
  fc.constantFrom({ userHandle: null }, { userHandle: '' }, { userHandle: 'abc' }),
);

/** Byte-level damage to the response after signing. */
const damage = fc.oneof(
  fc.constant(null),
  fc.record({
    field: fc.constantFrom('signature', 'authenticatorData', 'clientDataJSON'),
    index: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.constantFrom('retag-signature', 'pad-signature', 'id-mismatch', 'type', 'bad-base64'),
);

function applyDamage(
  response: AuthenticationResponseJSON,
  change: unknown,
): AuthenticationResponseJSON {
  const copy: AuthenticationResponseJSON = { ...response, response: { ...response.response } };
  if (change === null) return copy;
  if (change === 'retag-signature' || change === 'pad-signature') {
    const bytes = Buffer.from(isoBase64URL.toBuffer(copy.response.signature));
    // A flipped outer tag decodes leniently in the library; trailing bytes are not DER either.
    const changed = change === 'retag-signature' ? bytes : Buffer.concat([bytes, Buffer.of(0)]);
    if (change === 'retag-signature') changed[0] = 0x31;
    copy.response.signature = changed.toString('base64url');
  } else if (change === 'id-mismatch') {
    copy.rawId = `${copy.rawId}A`;
  } else if (change === 'type') {
    (copy as { type: string }).type = 'password';
  } else if (change === 'bad-base64') {
    copy.response.signature = `${copy.response.signature}*`;
  } else if (typeof change === 'object') {
    const { field, index, xor } = change as {
      field: 'signature' | 'authenticatorData' | 'clientDataJSON';
      index: number;
      xor: number;
    };
    const bytes = Buffer.from(isoBase64URL.toBuffer(copy.response[field]));
    const at = index % bytes.length;
    bytes[at] = (bytes[at] ?? 0) ^ xor;
    copy.response[field] = bytes.toString('base64url');
  }
  return copy;
}

describe('verifyAssertion', () => {
  it('accepts exactly what the library and the strict DER check accept', async () => {
    const credentials = {
      ES256: await enrol('ES256'),
      EdDSA: await enrol('EdDSA'),
      RS256: await enrol('RS256'),
      // A P-256 key stored with another ECDSA alg: the library hashes by alg, so it takes the slow path.
      mislabelled: await enrol('ES256', -35),
    };
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ES256', 'ES256', 'EdDSA', 'RS256', 'mislabelled' as const),
        forgery,
        damage,
        fc.boolean(),
        async (which, overrides, change, requireUserVerification) => {
          const { authenticator, publicKey } = credentials[which as keyof typeof credentials];
          const options = await generateAuthenticationOptions({
            rpID: RP_ID,
            userVerification: 'preferred',
          });
          const signed = await authenticator.getAssertion({
            options,
            origin: ORIGIN,
            overrides: overrides as never,
          });
          const expected: AssertionExpectations = {
            response: applyDamage(signed, change),
            challenge: options.challenge,
            origins: [ORIGIN],
            rpId: RP_ID,
            publicKey,
            requireUserVerification,
          };
          const want = await reference(expected);
          // Twice: the second call finds the key in the cache.
          assert.equal(await candidate(expected), want);
          assert.equal(await candidate(expected), want);
          if (want) accepted += 1;
          else refused += 1;
        },
      ),
      { numRuns: 400 },
    );
    // Both outcomes were exercised, so agreement means something.
    assert.ok(accepted > 20, `accepted ${accepted}`);
    assert.ok(refused > 20, `refused ${refused}`);
  });

  it('refuses a valid signature checked against another credential key', async () => {
    const signer = await enrol('ES256');
    const other = await enrol('ES256');
    const options = await generateAuthenticationOptions({ rpID: RP_ID });
    const response = await signer.authenticator.getAssertion({ options, origin: ORIGIN });
    const base = {
      response,
      challenge: options.challenge,
      origins: [ORIGIN],
      rpId: RP_ID,
      requireUserVerification: false,
    };
    assert.equal(await verifyAssertion({ ...base, publicKey: signer.publicKey }), true);
    assert.equal(await verifyAssertion({ ...base, publicKey: other.publicKey }), false);
    assert.equal(await reference({ ...base, publicKey: other.publicKey }), false);
  });
});
