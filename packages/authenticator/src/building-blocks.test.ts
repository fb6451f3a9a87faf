import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  cose,
  decodeCredentialPublicKey,
  isoBase64URL,
  parseAuthenticatorData,
  toHash,
  verifySignature,
} from '@simplewebauthn/server/helpers';
import { aaguidToBytes, buildAuthenticatorData, encodeFlags } from './authenticator-data.ts';
import { clientDataToBase64URL, encodeClientData } from './client-data.ts';
import { encodeCOSEPublicKey } from './cose-key.ts';
import { generateCredentialKeyPair, signData } from './keys.ts';

describe('building blocks', () => {
  it('encodeClientData orders members like Chrome and appends extras', () => {
    const json = encodeClientData({
      extra: 1,
      origin: 'https://a.example',
      challenge: 'abc',
      type: 'webauthn.get',
      crossOrigin: false,
    });
    assert.equal(
      json,
      '{"type":"webauthn.get","challenge":"abc","origin":"https://a.example","crossOrigin":false,"extra":1}',
    );
    assert.equal(isoBase64URL.toUTF8String(clientDataToBase64URL(json)), json);
  });

  it('buildAuthenticatorData lays out rpIdHash, flags, counter and attested data', async () => {
    const credentialId = new Uint8Array([1, 2, 3]);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const coseKey = encodeCOSEPublicKey({ publicKey, algorithm: 'ES256' });
    const aaguid = aaguidToBytes('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4');
    const authData = buildAuthenticatorData({
      rpId: 'example.com',
      flags: { up: true, uv: true, be: true },
      signCount: 0x01020304,
      attestedCredentialData: { aaguid, credentialId, publicKey: coseKey },
    });
    const parsed = parseAuthenticatorData(authData);
    assert.deepEqual(parsed.rpIdHash, await toHash('example.com'));
    assert.equal(parsed.counter, 0x01020304);
    assert.deepEqual(parsed.flags, {
      up: true,
      uv: true,
      be: true,
      bs: false,
      at: true,
      ed: false,
      flagsInt: 0x4d,
    });
    assert.deepEqual(parsed.credentialID, credentialId);
    assert.deepEqual(parsed.aaguid, aaguid);
    assert.deepEqual(parsed.credentialPublicKey, coseKey);
  });

  it('buildAuthenticatorData refuses counters outside 32 bits', () => {
    assert.throws(
      () => buildAuthenticatorData({ rpId: 'a', flags: {}, signCount: 2 ** 32 }),
      RangeError,
    );
  });

  it('encodeFlags packs every bit', () => {
    assert.equal(encodeFlags({ up: true, uv: true, be: true, bs: true, at: true, ed: true }), 0xdd);
    assert.equal(encodeFlags({}), 0);
  });

  it('aaguidToBytes refuses malformed UUIDs', () => {
    assert.throws(() => aaguidToBytes('not-a-uuid'), TypeError);
  });

  for (const algorithm of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`${algorithm} COSE keys decode to the right kty and alg and verify signatures`, async () => {
      const { privateKey, publicKey } = generateCredentialKeyPair(algorithm);
      const coseKey = encodeCOSEPublicKey({ publicKey, algorithm });
      const decoded = decodeCredentialPublicKey(coseKey);
      const expected = {
        ES256: [cose.COSEKTY.EC2, cose.COSEALG.ES256],
        EdDSA: [cose.COSEKTY.OKP, cose.COSEALG.EdDSA],
        RS256: [cose.COSEKTY.RSA, cose.COSEALG.RS256],
      }[algorithm];
      assert.deepEqual([decoded.get(cose.COSEKEYS.kty), decoded.get(cose.COSEKEYS.alg)], expected);
      const data = new TextEncoder().encode('signed bytes');
      const signature = signData({ algorithm, privateKey, data });
      assert.equal(await verifySignature({ signature, data, credentialPublicKey: coseKey }), true);
    });
  }
});
