import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOperatorToken } from '@latchkey/core';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { PassageError, PassageFlex } from './index.ts';
import {
  browserAuthenticate,
  browserRegister,
  type LatchkeyServer,
  SoftwareAuthenticator,
  startLatchkey,
  testDatabases,
} from './testing/latchkey-server.ts';

const SESSION_TOKENS = { sessionTokens: { enabled: true, ttlSeconds: 600 } };

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PassageError, String(error));
    assert.equal(error.errorCode, code, error.message);
    return true;
  });
}

for (const db of testDatabases()) {
  describe(`session tokens, verified by the Node SDK over real HTTP (${db.name})`, () => {
    let server: LatchkeyServer;
    let app: { appId: string; apiKey: string };
    let passage: PassageFlex;

    /** Registers `externalId` with `authenticator` and signs in once; resolves with the redemption. */
    async function signIn(
      externalId: string,
      authenticator: SoftwareAuthenticator,
      client = passage,
      appId = app.appId,
    ) {
      const registerId = await client.auth.createRegisterTransaction(externalId, externalId);
      const registered = await browserRegister(server, registerId, authenticator, appId);
      const signInId = await client.auth.createAuthenticateTransaction(externalId);
      const nonce = await browserAuthenticate(server, signInId, authenticator, appId);
      return { registered, redeemed: await client.auth.redeemNonce(nonce) };
    }

    before(async () => {
      server = await startLatchkey(db);
      // Tokens carry real times, and the SDK checks them against the real clock.
      server.harness.clock.ms = Date.now();
      const created = await server.harness.newApp({ policy: SESSION_TOKENS });
      app = { appId: created.id, apiKey: created.apiKey };
      passage = new PassageFlex({ ...app, baseUrl: server.baseUrl });
    });
    after(async () => {
      await server.close();
    });

    it('hands out a signed token with a sign-in, stating who, how and when', async () => {
      const authenticator = new SoftwareAuthenticator({ backupEligible: false });
      const { registered, redeemed } = await signIn('ada', authenticator);
      assert.equal(redeemed.externalId, 'ada');
      assert.ok(redeemed.sessionToken, 'a token comes with the sign-in');

      const claims = await passage.sessionTokens.verify(redeemed.sessionToken);
      assert.equal(claims.sub, 'ada');
      assert.equal(claims.aud, app.appId);
      assert.equal(claims.iss, `urn:latchkey:app:${app.appId}`);
      assert.equal(claims.exp - claims.iat, 600);
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
      assert.equal(claims.acr, 'phrh');
      assert.equal(claims.uv, true);
      assert.equal(claims.credential_id, registered.credentialId);
      assert.ok(Math.abs(claims.auth_time - Date.now() / 1000) < 60);
      assert.equal(claims.action, undefined);
      assert.equal(decodeProtectedHeader(redeemed.sessionToken).typ, 'latchkey-session+jwt');
    });

    it('says a synced passkey is a software key, and claims no UV the authenticator did not do', async () => {
      const lax = await server.harness.newApp({
        policy: { ...SESSION_TOKENS, userVerification: 'preferred' },
      });
      const client = new PassageFlex({
        appId: lax.id,
        apiKey: lax.apiKey,
        baseUrl: server.baseUrl,
      });
      const authenticator = new SoftwareAuthenticator({ userVerification: false });
      const { redeemed } = await signIn('bob', authenticator, client, lax.id);
      assert.ok(redeemed.sessionToken);
      const claims = await client.sessionTokens.verify(redeemed.sessionToken);
      assert.deepEqual(claims.amr, ['swk', 'user']);
      assert.equal(claims.acr, 'phr');
      assert.equal(claims.uv, false);
      await rejectsWith(
        client.sessionTokens.verify(redeemed.sessionToken, { requireUserVerification: true }),
        'invalid_session_token',
      );
    });

    it('gives no token for a registration, nor to an app that has not turned tokens on', async () => {
      const authenticator = new SoftwareAuthenticator();
      const registerId = await passage.auth.createRegisterTransaction('cy', 'cy');
      const registered = await browserRegister(server, registerId, authenticator, app.appId);
      assert.deepEqual(await passage.auth.redeemNonce(registered.nonce), {
        externalId: 'cy',
        sessionToken: null,
      });

      const plain = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
      const { redeemed } = await signIn(
        'dee',
        new SoftwareAuthenticator(),
        plain,
        server.app.appId,
      );
      assert.equal(redeemed.sessionToken, null);
    });

    it("refuses another app's token, a tampered one, and one signed by a key of its own making", async () => {
      const { redeemed } = await signIn('eve', new SoftwareAuthenticator());
      const token = redeemed.sessionToken as string;

      const other = await server.harness.newApp({ policy: SESSION_TOKENS });
      const otherClient = new PassageFlex({
        appId: other.id,
        apiKey: other.apiKey,
        baseUrl: server.baseUrl,
      });
      // The other app must have a key of its own for the check to be about the audience.
      await signIn('eve', new SoftwareAuthenticator(), otherClient, other.id);
      await rejectsWith(otherClient.sessionTokens.verify(token), 'invalid_session_token');

      const [header, , signature] = token.split('.');
      const claims = decodeJwt(token);
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString(
        'base64url',
      );
      await rejectsWith(
        passage.sessionTokens.verify(`${header}.${forgedPayload}.${signature}`),
        'invalid_session_token',
      );

      // Same kid, same claims, another key: the signature decides, not the header.
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...claims, sub: 'mallory' })
        .setProtectedHeader(decodeProtectedHeader(token) as { alg: string })
        .sign(privateKey);
      await rejectsWith(passage.sessionTokens.verify(forged), 'invalid_session_token');

      // An HMAC "signed" with the public key (the classic algorithm confusion) is refused too.
      const jwks = (await (
        await fetch(`${server.baseUrl}/v1/apps/${app.appId}/.well-known/jwks.json`)
      ).json()) as { keys: object[] };
      const hmacKey = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
      const confused = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: decodeProtectedHeader(token).kid as string })
        .sign(hmacKey);
      await rejectsWith(passage.sessionTokens.verify(confused), 'invalid_session_token');
    });

    it('checks the sign-in age when asked', async () => {
      const { redeemed } = await signIn('fay', new SoftwareAuthenticator());
      const token = redeemed.sessionToken as string;
      await passage.sessionTokens.verify(token, { maxAuthAgeSeconds: 300 });
      server.harness.clock.ms = Date.now() - 3600_000;
      const stale = await signIn('gus', new SoftwareAuthenticator());
      server.harness.clock.ms = Date.now();
      // Issued an hour "ago" with a ten-minute lifetime: expired, whatever the age asked.
      await rejectsWith(
        passage.sessionTokens.verify(stale.redeemed.sessionToken as string),
        'invalid_session_token',
      );
    });

    it('keeps tokens signed before a rotation valid for the overlap, then drops the old key', async () => {
      const rotating = await server.harness.newApp({ policy: SESSION_TOKENS });
      const client = new PassageFlex({
        appId: rotating.id,
        apiKey: rotating.apiKey,
        baseUrl: server.baseUrl,
      });
      const before = await signIn('hal', new SoftwareAuthenticator(), client, rotating.id);
      const oldToken = before.redeemed.sessionToken as string;

      const rotated = await server.harness.server.inject({
        method: 'POST',
        url: `/admin/v1/apps/${rotating.id}/signing-keys/rotate`,
        headers: { authorization: `Bearer ${await operatorToken(server)}` },
        payload: { overlap_seconds: 700 },
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.equal(rotated.json().retired, 1);

      const afterRotation = await signIn('ivy', new SoftwareAuthenticator(), client, rotating.id);
      const newToken = afterRotation.redeemed.sessionToken as string;
      assert.notEqual(decodeProtectedHeader(newToken).kid, decodeProtectedHeader(oldToken).kid);
      // A verifier that cached the JWKS before the rotation fetches it again for the new kid.
      await client.sessionTokens.verify(oldToken);
      await client.sessionTokens.verify(newToken);

      const jwksUrl = `${server.baseUrl}/v1/apps/${rotating.id}/.well-known/jwks.json`;
      const during = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
      assert.equal(during.keys.length, 2);
      for (const key of during.keys) assert.equal('d' in key, false, 'no private part is served');

      server.harness.clock.advance(701);
      const afterOverlap = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
      assert.deepEqual(
        afterOverlap.keys.map((k) => k.kid),
        [decodeProtectedHeader(newToken).kid],
      );
      const fresh = new PassageFlex({
        appId: rotating.id,
        apiKey: rotating.apiKey,
        baseUrl: server.baseUrl,
      });
      await rejectsWith(fresh.sessionTokens.verify(oldToken), 'invalid_session_token');
      server.harness.clock.ms = Date.now();
    });

    it('refuses an empty token before any request', async () => {
      await rejectsWith(passage.sessionTokens.verify(''), 'invalid_argument');
    });
  });
}

/** An operator token for the admin API, made in the server's own store. */
async function operatorToken(server: LatchkeyServer): Promise<string> {
  return (await createOperatorToken(server.harness.runtime, { name: 'tests' })).token;
}
