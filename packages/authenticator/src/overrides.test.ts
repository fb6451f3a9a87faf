import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WebAuthnCredential } from '@simplewebauthn/server';
import {
  decodeAttestationObject,
  isoBase64URL,
  parseAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import type { AssertionOverrides, RegistrationOverrides } from './overrides.ts';
import { SoftwareAuthenticator } from './software-authenticator.ts';
import {
  creationOptions,
  ORIGIN,
  requestOptions,
  verifyAssertion,
  verifyRegistration,
} from './test-helpers.ts';

/** Registers a credential normally, then signs one assertion with the given overrides. */
async function assertWith(overrides: AssertionOverrides, authenticatorOptions = {}) {
  const authenticator = new SoftwareAuthenticator(authenticatorOptions);
  const creation = await creationOptions();
  const registration = await authenticator.createCredential({ options: creation, origin: ORIGIN });
  const { registrationInfo } = await verifyRegistration(registration, creation);
  assert.ok(registrationInfo);
  const request = await requestOptions();
  const assertion = await authenticator.getAssertion({
    options: request,
    origin: ORIGIN,
    overrides,
  });
  const credential: WebAuthnCredential = registrationInfo.credential;
  return { authenticator, assertion, request, credential, registration };
}

/** Registers with the given overrides and returns the response and its options. */
async function registerWith(overrides: RegistrationOverrides, attestation?: 'none' | 'packed') {
  const creation = await creationOptions();
  const registration = await new SoftwareAuthenticator().createCredential({
    options: creation,
    origin: ORIGIN,
    overrides,
    ...(attestation ? { attestation } : {}),
  });
  return { creation, registration };
}

function clientDataOf(encoded: string): Record<string, unknown> {
  return JSON.parse(isoBase64URL.toUTF8String(encoded));
}

function authDataOf(encoded: string): ReturnType<typeof parseAuthenticatorData> {
  return parseAuthenticatorData(isoBase64URL.toBuffer(encoded));
}

describe('assertion overrides', () => {
  it('flags.up=false makes the server refuse with "User not present"', async () => {
    const { assertion, request, credential } = await assertWith({ flags: { up: false } });
    await assert.rejects(verifyAssertion(assertion, request, credential), /User not present/);
  });

  it('flags.uv=false fails a server that requires user verification', async () => {
    const { assertion, request, credential } = await assertWith({ flags: { uv: false } });
    await assert.rejects(verifyAssertion(assertion, request, credential), /could not be verified/);
  });

  it('flags.be and flags.bs change what the server reads about backups', async () => {
    const { assertion, request, credential } = await assertWith({
      flags: { be: false, bs: false },
    });
    const result = await verifyAssertion(assertion, request, credential);
    assert.equal(result.authenticationInfo.credentialDeviceType, 'singleDevice');
    assert.equal(result.authenticationInfo.credentialBackedUp, false);
  });

  it('corruptSignature makes verification return false', async () => {
    for (const algorithm of ['ES256', 'EdDSA', 'RS256'] as const) {
      const authenticator = new SoftwareAuthenticator();
      const creation = await creationOptions();
      const registration = await authenticator.createCredential({
        options: creation,
        origin: ORIGIN,
        algorithm,
      });
      const { registrationInfo } = await verifyRegistration(registration, creation);
      assert.ok(registrationInfo);
      const request = await requestOptions();
      const assertion = await authenticator.getAssertion({
        options: request,
        origin: ORIGIN,
        overrides: { corruptSignature: true },
      });
      const result = await verifyAssertion(assertion, request, registrationInfo.credential);
      assert.equal(result.verified, false, algorithm);
    }
  });

  it('a wrong rpId fails the server RP ID check', async () => {
    const { assertion, request, credential } = await assertWith({ rpId: 'evil.example' });
    await assert.rejects(verifyAssertion(assertion, request, credential), /RP ID/);
  });

  it('raw rpIdHash bytes are written as given', async () => {
    const { assertion, request, credential } = await assertWith({ rpIdHash: new Uint8Array(32) });
    assert.deepEqual(
      [...authDataOf(assertion.response.authenticatorData).rpIdHash],
      Array(32).fill(0),
    );
    await assert.rejects(verifyAssertion(assertion, request, credential), /RP ID/);
  });

  it('challenge, origin and type overrides fail the matching server checks', async () => {
    const challenge = await assertWith({ challenge: 'bm90LXRoZS1jaGFsbGVuZ2U' });
    await assert.rejects(
      verifyAssertion(challenge.assertion, challenge.request, challenge.credential),
      /challenge/,
    );
    const origin = await assertWith({ origin: 'https://evil.example' });
    await assert.rejects(
      verifyAssertion(origin.assertion, origin.request, origin.credential),
      /origin/,
    );
    const type = await assertWith({ type: 'webauthn.create' });
    await assert.rejects(verifyAssertion(type.assertion, type.request, type.credential), /type/);
  });

  it('crossOrigin and topOrigin appear in client data and reach the server', async () => {
    const { assertion, request, credential } = await assertWith({
      crossOrigin: true,
      topOrigin: 'https://top.example',
    });
    const clientData = clientDataOf(assertion.response.clientDataJSON);
    assert.equal(clientData.crossOrigin, true);
    assert.equal(clientData.topOrigin, 'https://top.example');
    await assert.rejects(verifyAssertion(assertion, request, credential), /top origin/);
    const ok = await verifyAssertion(assertion, request, credential, {
      expectedTopOrigin: 'https://top.example',
    });
    assert.equal(ok.verified, true);
  });

  it('extraClientData is merged and still signed', async () => {
    const { assertion, request, credential } = await assertWith({
      extraClientData: { other_keys_can_be_added_here: 'do not compare clientDataJSON' },
    });
    const clientData = clientDataOf(assertion.response.clientDataJSON);
    assert.equal(clientData.other_keys_can_be_added_here, 'do not compare clientDataJSON');
    assert.equal((await verifyAssertion(assertion, request, credential)).verified, true);
  });

  it('a raw clientDataJSON replaces the generated one and is signed as is', async () => {
    const { request: template } = await assertWith({});
    const raw = `{"origin":"${ORIGIN}","type":"webauthn.get","challenge":"${template.challenge}"}`;
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    const { registrationInfo } = await verifyRegistration(registration, creation);
    assert.ok(registrationInfo);
    const assertion = await authenticator.getAssertion({
      options: template,
      origin: ORIGIN,
      overrides: { clientDataJSON: raw },
    });
    assert.equal(isoBase64URL.toUTF8String(assertion.response.clientDataJSON), raw);
    const result = await verifyAssertion(assertion, template, registrationInfo.credential);
    assert.equal(result.verified, true);
  });

  it('an explicit signCount is sent, stored when larger, and a lower one is caught as a clone', async () => {
    const { authenticator, assertion, request, credential } = await assertWith({ signCount: 10 });
    assert.equal(authDataOf(assertion.response.authenticatorData).counter, 10);
    const first = await verifyAssertion(assertion, request, credential);
    assert.equal(first.authenticationInfo.newCounter, 10);
    assert.equal(authenticator.credentials()[0]?.signCount, 10);
    const next = await requestOptions();
    const replayed = await authenticator.getAssertion({
      options: next,
      origin: ORIGIN,
      overrides: { signCount: 5 },
    });
    await assert.rejects(
      verifyAssertion(replayed, next, { ...credential, counter: 10 }),
      /counter value 5 was lower/,
    );
    assert.equal(authenticator.credentials()[0]?.signCount, 10);
  });

  it('userHandle can be replaced, nulled or dropped', async () => {
    const raw = await assertWith({ userHandle: 'raw-ios-string' });
    assert.equal(raw.assertion.response.userHandle, 'raw-ios-string');
    const nulled = await assertWith({ userHandle: null });
    assert.equal(JSON.parse(JSON.stringify(nulled.assertion)).response.userHandle, null);
    const dropped = await assertWith({ userHandle: undefined });
    assert.equal('userHandle' in dropped.assertion.response, false);
    const empty = await assertWith({ userHandle: '' });
    assert.equal(empty.assertion.response.userHandle, '');
  });

  it('authenticatorAttachment and clientExtensionResults can be replaced or dropped', async () => {
    const replaced = await assertWith({
      authenticatorAttachment: 'cross-platform',
      clientExtensionResults: { appid: false },
    });
    assert.equal(replaced.assertion.authenticatorAttachment, 'cross-platform');
    assert.deepEqual(replaced.assertion.clientExtensionResults, { appid: false });
    const dropped = await assertWith({ authenticatorAttachment: undefined });
    assert.equal('authenticatorAttachment' in dropped.assertion, false);
    const nulled = await assertWith({ authenticatorAttachment: null });
    assert.equal(nulled.assertion.authenticatorAttachment, null);
  });

  it('sends crossOrigin false and an empty clientExtensionResults by default', async () => {
    const { assertion } = await assertWith({});
    assert.equal(clientDataOf(assertion.response.clientDataJSON).crossOrigin, false);
    assert.deepEqual(assertion.clientExtensionResults, {});
  });
});

describe('registration overrides', () => {
  it('credentialId forces the id of the response and the stored credential', async () => {
    const id = isoBase64URL.fromBuffer(new Uint8Array(16).fill(7));
    const { creation, registration } = await registerWith({ credentialId: id });
    assert.equal(registration.id, id);
    assert.equal(registration.rawId, id);
    assert.equal(registration.credential.id, id);
    const verified = await verifyRegistration(registration, creation);
    assert.equal(verified.registrationInfo?.credential.id, id);
  });

  it('algorithmOverride claims another alg, so the server policy refuses it', async () => {
    const { creation, registration } = await registerWith({ algorithmOverride: -257 });
    assert.equal(registration.response.publicKeyAlgorithm, -257);
    assert.equal(registration.credential.algorithm, 'ES256');
    await assert.rejects(
      verifyRegistration(registration, creation, { supportedAlgorithmIDs: [-7] }),
      /Unexpected public key alg "-257"/,
    );
  });

  it('corruptSignature breaks the packed self attestation', async () => {
    const { creation, registration } = await registerWith({ corruptSignature: true }, 'packed');
    const verified = await verifyRegistration(registration, creation);
    assert.equal(verified.verified, false);
  });

  it('a packed self attestation carries alg and sig only', async () => {
    const { registration } = await registerWith({}, 'packed');
    const decoded = decodeAttestationObject(
      isoBase64URL.toBuffer(registration.response.attestationObject),
    );
    assert.equal(decoded.get('fmt'), 'packed');
    // The decoded statement is a CBOR Map; its helper type only declares get/set.
    const attStmt = decoded.get('attStmt') as unknown as Map<string, unknown>;
    assert.deepEqual([...attStmt.keys()], ['alg', 'sig']);
    assert.equal(attStmt.get('alg'), -7);
  });

  it('a wrong rpId fails the server RP ID check at registration', async () => {
    const { creation, registration } = await registerWith({ rpId: 'evil.example' });
    await assert.rejects(verifyRegistration(registration, creation), /RP ID/);
  });

  it('flags.up=false fails registration user presence', async () => {
    const { creation, registration } = await registerWith({ flags: { up: false } });
    await assert.rejects(verifyRegistration(registration, creation), /user was not present/);
  });

  it('signCount sets the registration counter and the stored one', async () => {
    const { creation, registration } = await registerWith({ signCount: 7 });
    assert.equal(registration.credential.signCount, 7);
    const verified = await verifyRegistration(registration, creation);
    assert.equal(verified.registrationInfo?.credential.counter, 7);
  });

  it('attestationObject replaces the encoded attestation object as given', async () => {
    const { creation, registration } = await registerWith({ attestationObject: 'oA' });
    assert.equal(registration.response.attestationObject, 'oA');
    await assert.rejects(verifyRegistration(registration, creation));
  });

  it('attestationObjectSuffix appends bytes after the CBOR map', async () => {
    const plain = (await registerWith({})).registration;
    const { registration } = await registerWith({ attestationObjectSuffix: Uint8Array.of(0) });
    const bytes = isoBase64URL.toBuffer(registration.response.attestationObject);
    assert.equal(bytes.at(-1), 0);
    assert.equal(bytes.length, isoBase64URL.toBuffer(plain.response.attestationObject).length + 1);
  });

  it('transportsPlacement puts transports at the top, in the response, or both', async () => {
    const top = (await registerWith({ transportsPlacement: 'top' })).registration;
    assert.deepEqual(top.transports, ['internal', 'hybrid']);
    assert.equal(top.response.transports, undefined);
    const inResponse = (
      await registerWith({ transportsPlacement: 'response', transports: ['usb'] })
    ).registration;
    assert.equal(inResponse.transports, undefined);
    assert.deepEqual(inResponse.response.transports, ['usb']);
  });

  it('client-data and extension overrides apply at registration too', async () => {
    const { creation, registration } = await registerWith({
      challenge: 'b3RoZXI',
      clientExtensionResults: {},
      authenticatorAttachment: undefined,
    });
    assert.equal(clientDataOf(registration.response.clientDataJSON).challenge, 'b3RoZXI');
    assert.deepEqual(registration.clientExtensionResults, {});
    assert.equal('authenticatorAttachment' in registration, false);
    await assert.rejects(verifyRegistration(registration, creation), /challenge/);
  });
});
