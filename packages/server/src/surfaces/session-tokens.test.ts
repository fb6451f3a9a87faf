/**
 * Session tokens on the server's side: the JWKS route, the action binding a validated action's
 * token carries, the admin API's rotation and policy checks, the audit trail, and the sweep of
 * retired keys. (The Node SDK's verification is tested against a listening server in its package.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { createOperatorToken, updateApp } from '@latchkey/core';
import { sweepExpired } from '@latchkey/store';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { auditEvents, databases } from '../testing/harness.ts';
import {
  type ActionsHarness,
  enroll,
  LARGE_TRANSFER_RULES,
  openActionsHarness,
} from './actions/testing/actions-harness.ts';

for (const db of databases()) {
  describe(`session tokens on the server (${db.name})`, () => {
    let h: ActionsHarness;
    let operator: string;
    const admin = (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
      h.server.inject({
        method,
        url: `/admin/v1${path}`,
        headers: { authorization: `Bearer ${operator}` },
        ...(payload ? { payload } : {}),
      });
    const jwks = async (appId = h.app.id) =>
      (await fetch(`${h.baseUrl}/apps/${appId}/.well-known/jwks.json`)).json() as Promise<{
        keys: { kid: string }[];
      }>;

    // Raw HTTP: the published SDK keeps only the fields it knows.
    const validate = async (token: string, apiKey = h.app.apiKey) => {
      const res = await fetch(`${h.baseUrl}/validate`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ token }),
      });
      return (await res.json()) as Record<string, any>;
    };

    before(async () => {
      h = await openActionsHarness(db);
      h.clock.ms = Date.now();
      operator = (await createOperatorToken(h.runtime, { name: 'tests' })).token;
      await updateApp(h.runtime, {
        appId: h.app.id,
        policy: { sessionTokens: { enabled: true, ttlSeconds: 900 } },
      });
      const res = await h.setRules('high-value-transfer', LARGE_TRANSFER_RULES);
      assert.equal(res.status, 200, await res.text());
    });
    after(async () => {
      await h.close();
    });

    it('binds a validated action’s token to that action, and says so in the audit trail', async () => {
      const authenticator = await enroll(h, 'ada');
      const tracked = await h.authsignal.track({
        userId: 'ada',
        action: 'high-value-transfer',
        attributes: { custom: { amount: 7500, recipient: 'new' } },
      });
      assert.equal(tracked.state, 'CHALLENGE_REQUIRED');
      const verified = await h.page().signIn({ token: tracked.token, authenticator });
      assert.equal(verified.isVerified, true, JSON.stringify(verified));

      const validated = await validate(verified.accessToken);
      assert.equal(validated.isValid, true, JSON.stringify(validated));
      assert.equal(typeof validated.sessionToken, 'string');

      const { payload } = await jwtVerify(validated.sessionToken, createLocalJWKSet(await jwks()), {
        issuer: `urn:latchkey:app:${h.app.id}`,
        audience: h.app.id,
        typ: 'latchkey-session+jwt',
        algorithms: ['ES256'],
      });
      assert.equal(payload.sub, 'ada');
      assert.deepEqual(payload.action, {
        id: (payload.action as { id: string }).id,
        code: 'high-value-transfer',
        idempotency_key: validated.idempotencyKey,
        attributes_hash: validated.attributesHash,
      });
      assert.equal(payload.uv, true);

      const [event] = await auditEvents(h, 'action.validated');
      assert.equal(event?.data?.sessionTokenId, payload.jti, 'the audit row names the token');

      // Validating twice gives nothing: one approval, one token.
      const again = await h.authsignal.validateChallenge({ token: verified.accessToken });
      assert.equal(again.isValid, false);
    });

    it('answers an unknown app’s JWKS with the flex 404, and lets verifiers cache a known one', async () => {
      const missing = await fetch(`${h.baseUrl}/apps/no-such-app/.well-known/jwks.json`);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), {
        code: 'app_not_found',
        error: (await h.server.inject({ url: '/v1/apps/no-such-app' })).json().error,
      });
      const known = await fetch(`${h.baseUrl}/apps/${h.app.id}/.well-known/jwks.json`);
      assert.equal(known.status, 200);
      assert.equal(known.headers.get('cache-control'), 'public, max-age=300');
      const body = (await known.json()) as { keys: Record<string, unknown>[] };
      assert.ok(body.keys.length >= 1);
      for (const key of body.keys) {
        assert.deepEqual(Object.keys(key).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      }
    });

    it('refuses an overlap shorter than the token lifetime plus a minute, changing nothing', async () => {
      const before = await jwks();
      const res = await admin('POST', `/apps/${h.app.id}/signing-keys/rotate`, {
        overlap_seconds: 900,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'invalid_request');
      assert.match(res.json().error.message, /overlap must be .* from 960/);
      assert.deepEqual(await jwks(), before);
    });

    it('refuses session-token settings out of bounds or unknown', async () => {
      for (const sessionTokens of [
        { ttlSeconds: 59 },
        { ttlSeconds: 86_401 },
        { ttlSeconds: 1.5 },
      ]) {
        const res = await admin('PATCH', `/apps/${h.app.id}`, { policy: { sessionTokens } });
        assert.equal(res.statusCode, 400, JSON.stringify(sessionTokens));
      }
      const unknown = await admin('PATCH', `/apps/${h.app.id}`, {
        policy: { sessionTokens: { audience: 'x' } },
      });
      assert.equal(unknown.statusCode, 400);
      const app = await admin('GET', `/apps/${h.app.id}`);
      assert.deepEqual(app.json().policy.sessionTokens, { enabled: true, ttlSeconds: 900 });
    });

    it('rotates, lists the keys with their state, audits it, and sweeps keys past their overlap', async () => {
      const rotated = await admin('POST', `/apps/${h.app.id}/signing-keys/rotate`, {});
      assert.equal(rotated.statusCode, 200, rotated.body);
      const listed = (await admin('GET', `/apps/${h.app.id}/signing-keys`)).json().keys;
      assert.equal(listed[0].key_id, rotated.json().key.key_id);
      assert.equal(listed[0].status, 'active');
      assert.ok(listed.slice(1).every((k: { status: string }) => k.status === 'retiring'));
      const [event] = await auditEvents(h, 'signing_key.rotated');
      assert.equal(event?.data?.keyId, rotated.json().key.key_id);
      assert.equal(event?.data?.overlapSeconds, 1200, 'the default: token lifetime + 300');

      const swept = await sweepExpired(h.store.db, {
        now: h.clock.ms + 1201_000,
        rateLimitWindowMs: 60_000,
      });
      assert.equal(swept.signing_keys, listed.length - 1);
      // The sweep removed what the JWKS had stopped serving; the active key stays.
      h.clock.advance(1201);
      assert.deepEqual(
        (await jwks()).keys.map((k) => k.kid),
        [rotated.json().key.key_id],
      );
      h.clock.ms = Date.now();
    });

    it('issues tokens with the app’s lifetime, and never to another app’s key', async () => {
      const authenticator = new SoftwareAuthenticator();
      await updateApp(h.runtime, {
        appId: h.app.id,
        policy: { sessionTokens: { enabled: true, ttlSeconds: 120 } },
      });
      const other = await h.newApp({
        policy: { sessionTokens: { enabled: true, ttlSeconds: 900 } },
      });
      await enroll(h, 'bea', authenticator);
      const signedIn = await h.page().signIn({ action: 'sign-in', authenticator });
      assert.equal(signedIn.isVerified, true, JSON.stringify(signedIn));

      const foreign = await validate(signedIn.accessToken, other.apiKey);
      assert.equal(foreign.isValid, false);
      assert.equal(foreign.sessionToken, undefined);

      const own = await validate(signedIn.accessToken);
      assert.equal(own.isValid, true, JSON.stringify(own));
      const claims = decodeJwt(own.sessionToken);
      assert.equal(Number(claims.exp) - Number(claims.iat), 120);
      assert.equal(claims.sub, 'bea');
      assert.equal((claims.action as { code: string }).code, 'sign-in');
      await updateApp(h.runtime, {
        appId: h.app.id,
        policy: { sessionTokens: { enabled: true, ttlSeconds: 900 } },
      });
    });
  });
}
