import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlgorithmName } from './keys.ts';
import { SoftwareAuthenticator } from './software-authenticator.ts';
import {
  creationOptions,
  ORIGIN,
  RP_ID,
  requestOptions,
  verifyAssertion,
  verifyRegistration,
} from './test-helpers.ts';

const algorithms: AlgorithmName[] = ['ES256', 'EdDSA', 'RS256'];
const coseIds: Record<AlgorithmName, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

describe('SoftwareAuthenticator', () => {
  for (const algorithm of algorithms) {
    for (const attestation of ['none', 'packed'] as const) {
      it(`registers and signs in with ${algorithm} and ${attestation} attestation, verified by the real server`, async () => {
        const authenticator = new SoftwareAuthenticator();
        const creation = await creationOptions();
        const registration = await authenticator.createCredential({
          options: creation,
          origin: ORIGIN,
          algorithm,
          attestation,
        });
        const verified = await verifyRegistration(registration, creation);
        assert.equal(verified.verified, true);
        assert.ok(verified.registrationInfo);
        assert.equal(verified.registrationInfo.fmt, attestation);
        assert.equal(verified.registrationInfo.credential.id, registration.id);
        assert.equal(verified.registrationInfo.userVerified, true);
        assert.equal(verified.registrationInfo.credentialDeviceType, 'multiDevice');
        assert.equal(verified.registrationInfo.credentialBackedUp, true);
        assert.equal(registration.response.publicKeyAlgorithm, coseIds[algorithm]);

        const request = await requestOptions({ allowCredentials: [{ id: registration.id }] });
        const assertion = await authenticator.getAssertion({ options: request, origin: ORIGIN });
        const result = await verifyAssertion(
          assertion,
          request,
          verified.registrationInfo.credential,
        );
        assert.equal(result.verified, true);
        assert.equal(result.authenticationInfo.newCounter, 1);
        assert.equal(assertion.response.userHandle, creation.user.id);
      });
    }
  }

  it('picks the first algorithm of pubKeyCredParams that it supports', async () => {
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions();
    creation.pubKeyCredParams = [
      { type: 'public-key', alg: -36 },
      { type: 'public-key', alg: -257 },
      { type: 'public-key', alg: -7 },
    ];
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    assert.equal(registration.credential.algorithm, 'RS256');
    assert.equal(registration.response.publicKeyAlgorithm, -257);
  });

  it('rejects with NotSupportedError when no requested algorithm is supported', async () => {
    const creation = await creationOptions();
    creation.pubKeyCredParams = [{ type: 'public-key', alg: -36 }];
    await assert.rejects(
      new SoftwareAuthenticator().createCredential({ options: creation, origin: ORIGIN }),
      { name: 'NotSupportedError' },
    );
  });

  it('produces browser-shaped registration JSON with the stored credential kept out of it', async () => {
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    const json = JSON.parse(JSON.stringify(registration));
    assert.equal(json.credential, undefined);
    assert.equal(json.type, 'public-key');
    assert.equal(json.id, json.rawId);
    assert.match(json.id, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(json.authenticatorAttachment, 'platform');
    assert.deepEqual(json.clientExtensionResults, { credProps: { rk: true } });
    assert.deepEqual(json.transports, ['internal', 'hybrid']);
    assert.deepEqual(json.response.transports, ['internal', 'hybrid']);
    for (const key of ['clientDataJSON', 'attestationObject', 'authenticatorData', 'publicKey']) {
      assert.doesNotMatch(json.response[key], /[=+/]/, `${key} is base64url without padding`);
    }
    const clientData = JSON.parse(
      Buffer.from(json.response.clientDataJSON, 'base64url').toString(),
    );
    assert.deepEqual(clientData, {
      type: 'webauthn.create',
      challenge: creation.challenge,
      origin: ORIGIN,
      crossOrigin: false,
    });
    assert.equal(registration.credential.rpId, RP_ID);
    assert.equal(registration.credential.userHandle, creation.user.id);
    assert.equal(registration.credential.signCount, 0);
  });

  it('falls back to the origin host as RP ID when the options name none', async () => {
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions();
    creation.rp = { name: 'Example' };
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    assert.equal(registration.credential.rpId, 'example.com');
    assert.equal((await verifyRegistration(registration, creation)).verified, true);
  });

  it('rejects with InvalidStateError when an excluded credential is already stored', async () => {
    const authenticator = new SoftwareAuthenticator();
    const first = await authenticator.createCredential({
      options: await creationOptions(),
      origin: ORIGIN,
    });
    const again = await creationOptions({ excludeCredentials: [{ id: first.id }] });
    await assert.rejects(authenticator.createCredential({ options: again, origin: ORIGIN }), {
      name: 'InvalidStateError',
    });
    // Another authenticator does not hold it, so it may register.
    const other = await new SoftwareAuthenticator().createCredential({
      options: again,
      origin: ORIGIN,
    });
    assert.notEqual(other.id, first.id);
  });

  it('rejects with NotAllowedError when no stored credential matches', async () => {
    const authenticator = new SoftwareAuthenticator();
    await assert.rejects(
      authenticator.getAssertion({ options: await requestOptions(), origin: ORIGIN }),
      { name: 'NotAllowedError' },
    );
    await authenticator.createCredential({ options: await creationOptions(), origin: ORIGIN });
    const elsewhere = await requestOptions({ rpID: 'other.example' });
    await assert.rejects(
      authenticator.getAssertion({ options: elsewhere, origin: 'https://other.example' }),
      { name: 'NotAllowedError' },
    );
    const notAllowed = await requestOptions({ allowCredentials: [{ id: 'AAAA' }] });
    await assert.rejects(authenticator.getAssertion({ options: notAllowed, origin: ORIGIN }), {
      name: 'NotAllowedError',
    });
  });

  it('uses a discoverable credential when allowCredentials is empty, or the one named', async () => {
    const authenticator = new SoftwareAuthenticator();
    const first = await authenticator.createCredential({
      options: await creationOptions(),
      origin: ORIGIN,
    });
    const second = await authenticator.createCredential({
      options: await creationOptions(),
      origin: ORIGIN,
    });
    const request = await requestOptions();
    const discovered = await authenticator.getAssertion({ options: request, origin: ORIGIN });
    assert.equal(discovered.id, first.id);
    const named = await authenticator.getAssertion({
      options: request,
      origin: ORIGIN,
      credentialId: second.id,
    });
    assert.equal(named.id, second.id);
    const allowed = await requestOptions({ allowCredentials: [{ id: second.id }] });
    assert.equal(
      (await authenticator.getAssertion({ options: allowed, origin: ORIGIN })).id,
      second.id,
    );
  });

  it('increments the counter on every assertion by default', async () => {
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    const { registrationInfo } = await verifyRegistration(registration, creation);
    assert.ok(registrationInfo);
    const credential = { ...registrationInfo.credential };
    for (const expected of [1, 2, 3]) {
      const request = await requestOptions();
      const assertion = await authenticator.getAssertion({ options: request, origin: ORIGIN });
      const result = await verifyAssertion(assertion, request, credential);
      assert.equal(result.authenticationInfo.newCounter, expected);
      credential.counter = result.authenticationInfo.newCounter;
    }
    assert.equal(authenticator.credentials()[0]?.signCount, 3);
  });

  it("always sends 0 in counter mode 'zero', like a synced passkey", async () => {
    const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    const { registrationInfo } = await verifyRegistration(registration, creation);
    assert.ok(registrationInfo);
    for (let i = 0; i < 2; i++) {
      const request = await requestOptions();
      const assertion = await authenticator.getAssertion({ options: request, origin: ORIGIN });
      const result = await verifyAssertion(assertion, request, registrationInfo.credential);
      assert.equal(result.authenticationInfo.newCounter, 0);
    }
    assert.equal(authenticator.credentials()[0]?.signCount, 0);
  });

  it('reports single-device credentials when not backup eligible, and the configured AAGUID', async () => {
    const aaguid = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';
    const authenticator = new SoftwareAuthenticator({
      backupEligible: false,
      aaguid,
      attachment: 'cross-platform',
      transports: ['usb'],
    });
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    const { registrationInfo } = await verifyRegistration(registration, creation);
    assert.equal(registrationInfo?.credentialDeviceType, 'singleDevice');
    assert.equal(registrationInfo?.credentialBackedUp, false);
    assert.equal(registrationInfo?.aaguid, aaguid);
    assert.equal(registration.authenticatorAttachment, 'cross-platform');
    assert.deepEqual(registration.response.transports, ['usb']);
  });

  it('skips user verification when it cannot, and refuses when the RP requires it', async () => {
    const authenticator = new SoftwareAuthenticator({ userVerification: false });
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    await assert.rejects(verifyRegistration(registration, creation), /could not be verified/);
    const relaxed = await verifyRegistration(registration, creation, {
      requireUserVerification: false,
    });
    assert.equal(relaxed.registrationInfo?.userVerified, false);
    await assert.rejects(
      authenticator.createCredential({
        options: await creationOptions({ userVerification: 'required' }),
        origin: ORIGIN,
      }),
      { name: 'NotAllowedError' },
    );
  });

  it('clears UV when the RP discourages user verification', async () => {
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions({ userVerification: 'discouraged' });
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
    });
    const verified = await verifyRegistration(registration, creation, {
      requireUserVerification: false,
    });
    assert.equal(verified.registrationInfo?.userVerified, false);
  });

  it('clones a credential through export and import, keeping it usable', async () => {
    const authenticator = new SoftwareAuthenticator();
    const creation = await creationOptions();
    const registration = await authenticator.createCredential({
      options: creation,
      origin: ORIGIN,
      algorithm: 'EdDSA',
    });
    const { registrationInfo } = await verifyRegistration(registration, creation);
    assert.ok(registrationInfo);
    const exported = JSON.parse(JSON.stringify(authenticator.exportCredential(registration.id)));
    const clone = new SoftwareAuthenticator();
    const imported = clone.importCredential({ ...exported, signCount: 41 });
    assert.equal(imported.id, registration.id);
    assert.equal(imported.algorithm, 'EdDSA');
    const request = await requestOptions();
    const assertion = await clone.getAssertion({ options: request, origin: ORIGIN });
    const result = await verifyAssertion(assertion, request, registrationInfo.credential);
    assert.equal(result.verified, true);
    assert.equal(result.authenticationInfo.newCounter, 42);
  });

  it('forgets a removed credential', async () => {
    const authenticator = new SoftwareAuthenticator();
    const registration = await authenticator.createCredential({
      options: await creationOptions(),
      origin: ORIGIN,
    });
    assert.equal(authenticator.removeCredential(registration.id), true);
    assert.equal(authenticator.removeCredential(registration.id), false);
    assert.deepEqual(authenticator.credentials(), []);
  });

  it('hands out snapshots that cannot change its state', async () => {
    const authenticator = new SoftwareAuthenticator();
    await authenticator.createCredential({ options: await creationOptions(), origin: ORIGIN });
    const [snapshot] = authenticator.credentials();
    assert.ok(snapshot);
    snapshot.signCount = 99;
    assert.equal(authenticator.credentials()[0]?.signCount, 0);
  });
});
