/**
 * Security rows 4, 10, 12 and 16 for step-up actions: each rule of "trust the result" has a test
 * here that fails when the check is removed, with the audit event it should leave.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { SqlStore } from '@latchkey/store';
import canonicalize from 'canonicalize';
import { auditEvents, databases } from '../../testing/harness.ts';
import {
  type ActionsHarness,
  enroll,
  LARGE_TRANSFER_RULES,
  openActionsHarness,
} from './testing/actions-harness.ts';

const CODE = 'high-value-transfer';

for (const db of databases()) {
  describe(`step-up security (${db.name})`, () => {
    let h: ActionsHarness;
    let alice: SoftwareAuthenticator;
    before(async () => {
      h = await openActionsHarness(db);
      await h.setRules(CODE, LARGE_TRANSFER_RULES);
      alice = await enroll(h, 'alice');
    });
    after(async () => {
      await h.close();
    });

    const transfer = (amount: number, key?: string, userId = 'alice') =>
      h.authsignal.track({
        userId,
        action: CODE,
        attributes: {
          ...(key ? { idempotencyKey: key } : {}),
          custom: { amount, recipient: 'ACME' },
        },
      });

    describe('row 10: tokens', () => {
      it('issues opaque 256-bit tokens and stores only their SHA-256', async () => {
        const tracked = await transfer(6000);
        assert.match(tracked.token, /^[A-Za-z0-9_-]{43}$/);
        const store = h.store as SqlStore;
        const rows = await store.db.selectFrom('step_up_tokens').selectAll().execute();
        const dump = JSON.stringify(rows);
        assert.equal(dump.includes(tracked.token), false);
        assert.ok(
          rows.some((r) => r.hash === createHash('sha256').update(tracked.token).digest('hex')),
        );
      });

      it('refuses a token after its ten minutes, as expired, on both APIs', async () => {
        const tracked = await transfer(6000);
        h.clock.advance(601);
        const validated = await h.authsignal.validateChallenge({ token: tracked.token });
        assert.equal(validated.isValid, false);
        assert.equal(validated.error, 'expired_token');
        const options = await h.page().authenticationOptions(tracked.token);
        assert.equal(options.errorCode, 'expired_token');
        assert.ok(
          (await auditEvents(h, 'step_up_token.rejected')).some(
            (e) => e.reason === 'expired_token',
          ),
        );
      });

      it('refuses an unknown token, and another app’s token', async () => {
        const unknown = await h.authsignal.validateChallenge({ token: 'x'.repeat(43) });
        assert.deepEqual([unknown.isValid, unknown.error], [false, 'invalid_token']);
        const other = await h.newApp();
        const { Authsignal } = await import('@authsignal/node');
        const otherClient = new Authsignal({
          apiSecretKey: other.apiKey,
          apiUrl: h.baseUrl,
          retries: 0,
        });
        const tracked = await transfer(6000);
        const verified = await h.page().signIn({ token: tracked.token, authenticator: alice });
        const foreign = await otherClient.validateChallenge({ token: verified.accessToken });
        assert.deepEqual([foreign.isValid, foreign.error], [false, 'invalid_token']);
        // The token is still good for its own app.
        assert.equal(
          (await h.authsignal.validateChallenge({ token: verified.accessToken })).isValid,
          true,
        );
      });

      it('refuses a token of action A validated as action B, or for another user', async () => {
        const tracked = await transfer(6000);
        const verified = await h.page().signIn({ token: tracked.token, authenticator: alice });
        const asOther = await h.authsignal.validateChallenge({
          token: verified.accessToken,
          action: 'close-account',
        });
        assert.equal(asOther.isValid, false);
        assert.equal(asOther.action, CODE);
        const otherUser = await h.authsignal.validateChallenge({
          token: verified.accessToken,
          userId: 'mallory',
        });
        assert.equal(otherUser.isValid, false);
        const refusals = await auditEvents(h, 'action.validation_refused');
        assert.ok(refusals.some((e) => e.reason === 'action_mismatch'));
        assert.ok(refusals.some((e) => e.reason === 'user_mismatch'));
      });

      it('validates one approval once: a token used for a second transfer fails', async () => {
        const tracked = await transfer(6000, 'once-1');
        const verified = await h.page().signIn({ token: tracked.token, authenticator: alice });
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            h.authsignal.validateChallenge({ token: verified.accessToken }),
          ),
        );
        assert.equal(results.filter((r) => r.isValid).length, 1);
        // Nor does the track's own token validate the same action again.
        assert.equal(
          (await h.authsignal.validateChallenge({ token: tracked.token })).isValid,
          false,
        );
        assert.ok(
          (await auditEvents(h, 'action.validation_refused')).some(
            (e) => e.reason === 'already_validated',
          ),
        );
      });
    });

    describe('row 10: the challenge commits to the attributes', () => {
      it('ends every step-up challenge with the SHA-256 of the canonical custom attributes', async () => {
        const tracked = await h.authsignal.track({
          userId: 'alice',
          action: CODE,
          attributes: { custom: { recipient: 'ACME', amount: 7.5e3 } },
        });
        const options = await h.page().authenticationOptions(tracked.token);
        const challenge = Buffer.from(options.options.challenge, 'base64url');
        assert.equal(challenge.length, 64);
        const canonical = canonicalize({ amount: 7500, recipient: 'ACME' }) as string;
        assert.equal(canonical, '{"amount":7500,"recipient":"ACME"}');
        assert.deepEqual(challenge.subarray(32), createHash('sha256').update(canonical).digest());
      });

      it('refuses a key reused with another amount, and keeps the first amount', async () => {
        await transfer(6000, 'amount-1');
        await assert.rejects(transfer(60000, 'amount-1'), {
          statusCode: 409,
          errorCode: 'idempotency_key_reused',
        });
        const action = await h.authsignal.getAction({
          userId: 'alice',
          action: CODE,
          idempotencyKey: 'amount-1',
        });
        assert.equal((action.output as { custom: { amount: number } }).custom.amount, 6000);
      });

      it('refuses the passkey when the stored amount changed after the challenge was issued', async () => {
        const tracked = await transfer(6000, 'tamper-1');
        const options = await h.page().authenticationOptions(tracked.token);
        const store = h.store as SqlStore;
        await store.db
          .updateTable('actions')
          .set({ custom: JSON.stringify({ amount: 60000, recipient: 'ACME' }) })
          .where('idempotency_key', '=', 'tamper-1')
          .execute();
        const assertion = await alice.getAssertion({
          options: options.options,
          origin: h.page().origin,
        });
        const verified = await h.page().verify(tracked.token, options.challengeId, assertion);
        assert.equal(verified.error, 'invalid_credential');
        const action = await h.authsignal.getAction({
          userId: 'alice',
          action: CODE,
          idempotencyKey: 'tamper-1',
        });
        assert.equal(action.state, 'CHALLENGE_FAILED');
        assert.ok(
          (await auditEvents(h, 'step_up.failed')).some((e) => e.reason === 'attributes_changed'),
        );
      });
    });

    describe('row 4 and 6: the step-up ceremony', () => {
      it('always requires user verification, even where the app only prefers it', async () => {
        const app = await h.newApp({ policy: { userVerification: 'preferred' } });
        const { Authsignal } = await import('@authsignal/node');
        const client = new Authsignal({ apiSecretKey: app.apiKey, apiUrl: h.baseUrl, retries: 0 });
        const page = h.page(app.id);
        const authenticator = new SoftwareAuthenticator();
        const enrolled = await client.track({
          userId: 'u',
          action: 'enroll',
          attributes: { scope: 'add:authenticators' },
        });
        const noUv = await page.signUp({
          token: enrolled.token,
          authenticator,
          overrides: { flags: { uv: false } },
        });
        assert.equal(noUv.error, 'invalid_credential');
        const again = await client.track({
          userId: 'u',
          action: 'enroll',
          attributes: { scope: 'add:authenticators' },
        });
        assert.equal((await page.signUp({ token: again.token, authenticator })).isVerified, true);
        const step = await client.track({ userId: 'u', action: 'pay' });
        const options = await page.authenticationOptions(step.token);
        assert.equal(options.options.userVerification, 'required');
        const assertion = await authenticator.getAssertion({
          options: options.options,
          origin: page.origin,
          overrides: { flags: { uv: false } },
        });
        const verified = await page.verify(step.token, options.challengeId, assertion);
        assert.equal(verified.error, 'invalid_credential');
        const failed = await h.store.audit.list({
          appId: app.id,
          type: 'ceremony.failed',
          limit: 10,
        });
        assert.ok(failed.every((e) => e.reason === 'user_not_verified') && failed.length === 2);
      });

      it("accepts only the action user's passkeys", async () => {
        const mallory = await enroll(h, 'mallory');
        const tracked = await transfer(6000);
        const options = await h.page().authenticationOptions(tracked.token);
        assert.equal(options.options.allowCredentials.length, 1);
        // Mallory's authenticator answers Alice's challenge with Mallory's own passkey.
        const assertion = await mallory.getAssertion({
          options: { ...options.options, allowCredentials: [] },
          origin: h.page().origin,
        });
        const verified = await h.page().verify(tracked.token, options.challengeId, assertion);
        assert.equal(verified.error, 'invalid_credential');
        assert.ok(
          (await auditEvents(h, 'ceremony.failed')).some(
            (e) => e.reason === 'credential_not_allowed',
          ),
        );
      });

      it('burns the challenge: a replay fails, and of 20 concurrent verifies one succeeds', async () => {
        const tracked = await transfer(6000);
        const options = await h.page().authenticationOptions(tracked.token);
        const assertion = await alice.getAssertion({
          options: options.options,
          origin: h.page().origin,
        });
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            h.page().verify(tracked.token, options.challengeId, assertion),
          ),
        );
        assert.equal(results.filter((r) => r.isVerified === true).length, 1);
        assert.ok(results.every((r) => r.isVerified === true || r.error === 'invalid_request'));
        const replay = await h.page().verify(tracked.token, options.challengeId, assertion);
        assert.equal(replay.error, 'invalid_request');
      });

      it("refuses a challenge of one action answered with another action's token", async () => {
        const first = await transfer(6000);
        const second = await transfer(7000);
        const options = await h.page().authenticationOptions(first.token);
        const assertion = await alice.getAssertion({
          options: options.options,
          origin: h.page().origin,
        });
        const verified = await h.page().verify(second.token, options.challengeId, assertion);
        assert.equal(verified.error, 'invalid_request');
        assert.ok(
          (await auditEvents(h, 'step_up.failed')).some((e) => e.reason === 'action_mismatch'),
        );
      });
    });

    describe('row 12: enrollment', () => {
      it('refuses a second passkey with a plain token, and accepts it with add:authenticators', async () => {
        const plain = await h.authsignal.track({ userId: 'alice', action: 'add-passkey' });
        const refused = await h
          .page()
          .signUp({ token: plain.token, authenticator: new SoftwareAuthenticator() });
        assert.equal(refused.error, 'invalid_token');
        assert.match(refused.errorDescription, /add:authenticators/);
        const scoped = await h.authsignal.track({
          userId: 'alice',
          action: 'add-passkey',
          attributes: { scope: 'add:authenticators' },
        });
        const added = await h
          .page()
          .signUp({ token: scoped.token, authenticator: new SoftwareAuthenticator() });
        assert.equal(added.isVerified, true);
        assert.equal((await h.authsignal.getAuthenticators({ userId: 'alice' })).length, 2);
      });

      it('does not let the token a verification returns enroll another passkey', async () => {
        const scoped = await h.authsignal.track({
          userId: 'alice',
          action: 'add-passkey',
          attributes: { scope: 'add:authenticators' },
        });
        const added = await h
          .page()
          .signUp({ token: scoped.token, authenticator: new SoftwareAuthenticator() });
        const reused = await h
          .page()
          .signUp({ token: added.accessToken, authenticator: new SoftwareAuthenticator() });
        assert.ok('error' in reused);
      });
    });

    describe('action states', () => {
      it('only move forward, and each change is recorded with its time, rules and credential', async () => {
        const tracked = await transfer(6000, 'states-1');
        const verified = await h.page().signIn({ token: tracked.token, authenticator: alice });
        assert.equal(verified.isVerified, true);
        const key = { userId: 'alice', action: CODE, idempotencyKey: 'states-1' };
        for (const state of ['CHALLENGE_REQUIRED', 'CHALLENGE_FAILED', 'ALLOW'] as const) {
          await assert.rejects(
            h.authsignal.updateAction({ ...key, attributes: { state: state as never } }),
            { statusCode: 409, errorCode: 'invalid_state_transition' },
          );
        }
        // A finished action cannot be challenged again.
        const options = await h.page().authenticationOptions(tracked.token);
        assert.equal(options.error, 'invalid_request');
        const action = await h.authsignal.getAction(key);
        const changes = (action.output as { stateChanges: Array<Record<string, unknown>> })
          .stateChanges;
        assert.deepEqual(
          changes.map((c) => c.toState),
          ['CHALLENGE_REQUIRED', 'CHALLENGE_SUCCEEDED'],
        );
        assert.deepEqual(changes[0]?.ruleIds, ['large-transfer']);
        assert.equal(changes[1]?.verifiedByAuthenticatorId, verified.userAuthenticatorId);
        const audited = (await auditEvents(h, 'action.state_changed')).find(
          (e) => e.data?.idempotencyKey === 'states-1',
        );
        assert.equal(audited?.credentialId, verified.userAuthenticatorId);
      });

      it('fails a required challenge for good when the passkey response is refused', async () => {
        const tracked = await transfer(6000, 'fail-1');
        const refused = await h.page().signIn({
          token: tracked.token,
          authenticator: alice,
          overrides: { corruptSignature: true },
        });
        assert.equal(refused.error, 'invalid_credential');
        const validated = await h.authsignal.validateChallenge({ token: tracked.token });
        assert.deepEqual([validated.isValid, validated.state], [false, 'CHALLENGE_FAILED']);
        const retry = await h.page().signIn({ token: tracked.token, authenticator: alice });
        assert.equal(retry.error, 'invalid_request');
      });
    });

    describe('client API answers', () => {
      it('answers every error as JSON with an error key, and CORS for the app’s origins only', async () => {
        const res = await fetch(`${h.baseUrl}/client/verify/passkey`, {
          method: 'POST',
          headers: { Origin: h.page().origin, 'Content-Type': 'application/json' },
          body: '{',
        });
        const body = (await res.json()) as Record<string, unknown>;
        assert.equal(typeof body.error, 'string');
        const preflight = await fetch(`${h.baseUrl}/client/challenge`, {
          method: 'OPTIONS',
          headers: { Origin: h.page().origin, 'Access-Control-Request-Method': 'POST' },
        });
        assert.equal(preflight.headers.get('access-control-allow-origin'), h.page().origin);
        assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
        const evil = await fetch(`${h.baseUrl}/client/challenge`, {
          method: 'OPTIONS',
          headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
        });
        assert.equal(evil.headers.get('access-control-allow-origin'), null);
        const tenant = Buffer.from(encodeURIComponent(h.app.id)).toString('base64');
        const get = await fetch(
          `${h.baseUrl}/client/user-authenticators/passkey?credentialIds=nope`,
          {
            headers: { Origin: h.page().origin, Authorization: `Basic ${tenant}` },
          },
        );
        assert.equal(get.status, 404);
        assert.equal(get.headers.get('access-control-allow-origin'), h.page().origin);
        assert.equal(typeof ((await get.json()) as { error?: unknown }).error, 'string');
        const other = await h.newApp({ origins: ['https://other.example'] });
        const foreign = await h.page(other.id).call('/client/challenge', { action: 'x' });
        assert.equal(typeof foreign.challengeId, 'string');
        const cors = await fetch(`${h.baseUrl}/client/challenge`, {
          method: 'POST',
          headers: {
            Origin: h.page().origin,
            Authorization: `Basic ${Buffer.from(encodeURIComponent(other.id)).toString('base64')}`,
          },
          body: '{}',
        });
        assert.equal(
          cors.headers.get('access-control-allow-origin'),
          null,
          "not this app's origin",
        );
      });

      it('accepts the tenant scheme with and without a trailing colon, and refuses an unknown tenant', async () => {
        for (const user of [h.app.id, `${h.app.id}:`]) {
          const res = await fetch(`${h.baseUrl}/client/challenge`, {
            method: 'POST',
            headers: { Authorization: `Basic ${Buffer.from(user).toString('base64')}` },
            body: '{}',
          });
          assert.equal(res.status, 200);
        }
        const unknown = await h.page('no-such-app').call('/client/challenge', {});
        assert.equal(unknown.error, 'invalid_request');
      });
    });
  });
}
