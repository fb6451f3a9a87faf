/**
 * The seed article's flows with the published `@authsignal/node` against a listening latchkey:
 * enroll with `add:authenticators`, step up a large transfer, let a small one through, and every
 * server API call the SDK offers for actions and users.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthsignalError } from '@authsignal/node';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { auditEvents, databases } from '../../testing/harness.ts';
import {
  type ActionsHarness,
  enroll,
  LARGE_TRANSFER_RULES,
  openActionsHarness,
} from './testing/actions-harness.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

for (const db of databases()) {
  describe(`actions with @authsignal/node (${db.name})`, () => {
    let h: ActionsHarness;
    before(async () => {
      h = await openActionsHarness(db);
      const res = await h.setRules('high-value-transfer', LARGE_TRANSFER_RULES);
      assert.equal(res.status, 200, await res.text());
    });
    after(async () => {
      await h.close();
    });

    it('enrolls a first passkey with an add:authenticators token and validates the result', async () => {
      const tracked = await h.authsignal.track({
        userId: 'ada',
        action: 'enroll-passkey',
        attributes: { scope: 'add:authenticators' },
      });
      assert.equal(tracked.state, 'ALLOW');
      assert.equal(tracked.isEnrolled, false);
      assert.deepEqual(tracked.enrolledVerificationMethods, []);
      assert.match(tracked.url, /\?token=/);
      const added = await h.page().signUp({
        token: tracked.token,
        username: 'ada@bank.example',
        authenticator: new SoftwareAuthenticator(),
      });
      assert.equal(added.isVerified, true, JSON.stringify(added));
      assert.equal(added.userId, 'ada');
      assert.equal(added.userAuthenticator.verificationMethod, 'PASSKEY');
      const validated = await h.authsignal.validateChallenge({ token: added.accessToken });
      assert.equal(validated.isValid, true);
      assert.equal(validated.state, 'CHALLENGE_SUCCEEDED');
      assert.equal(validated.action, 'enroll-passkey');
      assert.equal(validated.userId, 'ada');
      assert.equal(validated.verificationMethod, 'PASSKEY');
      const user = await h.authsignal.getUser({ userId: 'ada' });
      assert.equal(user.isEnrolled, true);
      assert.deepEqual(user.enrolledVerificationMethods, ['PASSKEY']);
    });

    it('challenges a $7,500 transfer, verifies the passkey, and validates it with its attributes', async () => {
      const authenticator = await enroll(h, 'grace');
      const tracked = await h.authsignal.track({
        userId: 'grace',
        action: 'high-value-transfer',
        attributes: {
          idempotencyKey: 'transfer-1',
          ipAddress: '203.0.113.9',
          custom: { amount: 7500, recipient: 'ACME Ltd' },
        },
      });
      assert.equal(tracked.state, 'CHALLENGE_REQUIRED');
      assert.equal(tracked.isEnrolled, true);
      assert.equal(tracked.idempotencyKey, 'transfer-1');
      assert.deepEqual(tracked.ruleIds, ['large-transfer']);
      const pending = await h.authsignal.validateChallenge({ token: tracked.token });
      assert.equal(pending.isValid, false);
      assert.equal(pending.state, 'CHALLENGE_REQUIRED');

      const verified = await h.page().signIn({ token: tracked.token, authenticator });
      assert.equal(verified.isVerified, true, JSON.stringify(verified));
      assert.equal(verified.userId, 'grace');
      const validated = (await h.authsignal.validateChallenge({
        token: verified.accessToken,
        userId: 'grace',
        action: 'high-value-transfer',
      })) as Awaited<ReturnType<typeof h.authsignal.validateChallenge>> & {
        custom: Record<string, unknown>;
      };
      assert.equal(validated.isValid, true);
      assert.equal(validated.state, 'CHALLENGE_SUCCEEDED');
      assert.equal(validated.idempotencyKey, 'transfer-1');
      assert.deepEqual(validated.custom, { amount: 7500, recipient: 'ACME Ltd' });
      assert.match(validated.stateUpdatedAt ?? '', ISO);

      const action = await h.authsignal.getAction({
        userId: 'grace',
        action: 'high-value-transfer',
        idempotencyKey: 'transfer-1',
      });
      assert.equal(action.state, 'CHALLENGE_SUCCEEDED');
      assert.equal(action.verificationMethod, 'PASSKEY');
      assert.deepEqual(action.rules, [{ ruleId: 'large-transfer', name: 'large transfer' }]);
      const changes = (action.output as { stateChanges: Array<Record<string, unknown>> })
        .stateChanges;
      assert.deepEqual(
        changes.map((c) => [c.fromState, c.toState]),
        [
          [null, 'CHALLENGE_REQUIRED'],
          ['CHALLENGE_REQUIRED', 'CHALLENGE_SUCCEEDED'],
        ],
      );
      assert.deepEqual(changes[0]?.ruleIds, ['large-transfer']);
      assert.equal(typeof changes[1]?.verifiedByAuthenticatorId, 'string');
      for (const c of changes) assert.match(String(c.at), ISO);
    });

    it('lets a $50 transfer through without a challenge', async () => {
      const tracked = await h.authsignal.track({
        userId: 'grace',
        action: 'high-value-transfer',
        attributes: { custom: { amount: 50, recipient: 'Bob' } },
      });
      assert.equal(tracked.state, 'ALLOW');
      assert.deepEqual(tracked.ruleIds, []);
      assert.equal((await h.authsignal.validateChallenge({ token: tracked.token })).isValid, false);
    });

    it('applies changed rules to the next track, without a restart', async () => {
      const block = { defaultOutcome: 'BLOCK', rules: [] };
      assert.equal((await h.setRules('payout', block)).status, 200);
      const first = await h.authsignal.track({ userId: 'ada', action: 'payout' });
      assert.equal(first.state, 'BLOCK');
      const review = {
        defaultOutcome: 'ALLOW',
        rules: [
          {
            name: 'new device',
            priority: 1,
            outcome: 'REVIEW',
            conditions: { '==': [{ var: 'isNewDevice' }, true] },
          },
        ],
      };
      assert.equal((await h.setRules('payout', review)).status, 200);
      const second = await h.authsignal.track({
        userId: 'ada',
        action: 'payout',
        attributes: { deviceId: 'phone-1' },
      });
      assert.equal(second.state, 'REVIEW_REQUIRED');
      assert.deepEqual(second.ruleIds, ['new-device']);
      const third = await h.authsignal.track({
        userId: 'ada',
        action: 'payout',
        attributes: { deviceId: 'phone-1' },
      });
      assert.equal(third.state, 'ALLOW', 'the device is no longer new');
    });

    it('reads what the server knows: passkey count and seconds since the last verification', async () => {
      const rules = {
        defaultOutcome: 'ALLOW',
        rules: [
          {
            name: 'stale verification',
            priority: 5,
            outcome: 'CHALLENGE',
            conditions: {
              or: [
                { '===': [{ var: 'secondsSinceLastVerified' }, null] },
                { '>': [{ var: 'secondsSinceLastVerified' }, 300] },
              ],
            },
          },
          {
            name: 'no passkey',
            priority: 1,
            outcome: 'BLOCK',
            conditions: { '==': [{ var: 'passkeyCount' }, 0] },
          },
        ],
      };
      assert.equal((await h.setRules('change-email', rules)).status, 200);
      const nobody = await h.authsignal.track({ userId: 'newcomer', action: 'change-email' });
      assert.equal(nobody.state, 'BLOCK');
      assert.deepEqual(nobody.ruleIds, ['no-passkey', 'stale-verification']);
      const authenticator = await enroll(h, 'linus');
      const fresh = await h.authsignal.track({ userId: 'linus', action: 'change-email' });
      assert.equal(fresh.state, 'CHALLENGE_REQUIRED', 'a passkey that never verified an action');
      const verified = await h.page().signIn({ token: fresh.token, authenticator });
      assert.equal(verified.isVerified, true, JSON.stringify(verified));
      const soon = await h.authsignal.track({ userId: 'linus', action: 'change-email' });
      assert.equal(soon.state, 'ALLOW');
      h.clock.advance(301);
      const later = await h.authsignal.track({ userId: 'linus', action: 'change-email' });
      assert.equal(later.state, 'CHALLENGE_REQUIRED');
    });

    it('signs in with a passkey and no token, recording the action named by the page', async () => {
      const authenticator = await enroll(h, 'margaret');
      const signedIn = await h.page().signIn({ action: 'signInWithPasskey', authenticator });
      assert.equal(signedIn.isVerified, true, JSON.stringify(signedIn));
      assert.equal(signedIn.userId, 'margaret');
      const validated = await h.authsignal.validateChallenge({
        token: signedIn.accessToken,
        action: 'signInWithPasskey',
      });
      assert.equal(validated.isValid, true);
      assert.equal(validated.userId, 'margaret');
      const listed = await h.authsignal.queryUserActions({
        userId: 'margaret',
        actionCodes: ['signInWithPasskey'],
      });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.state, 'CHALLENGE_SUCCEEDED');
      assert.equal(listed[0]?.verificationMethod, 'PASSKEY');
    });

    it('returns the same action for a replayed track, and refuses a key reused with other attributes', async () => {
      const attributes = { idempotencyKey: 'replay-1', custom: { amount: 9000, recipient: 'X' } };
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          h.authsignal.track({ userId: 'ada', action: 'high-value-transfer', attributes }),
        ),
      );
      assert.deepEqual(new Set(results.map((r) => r.state)), new Set(['CHALLENGE_REQUIRED']));
      assert.equal(new Set(results.map((r) => r.token)).size, 5, 'each answer has its own token');
      const listed = await h.authsignal.queryUserActions({
        userId: 'ada',
        actionCodes: ['high-value-transfer'],
      });
      assert.equal(listed.filter((a) => a.idempotencyKey === 'replay-1').length, 1);
      await assert.rejects(
        h.authsignal.track({
          userId: 'ada',
          action: 'high-value-transfer',
          attributes: { idempotencyKey: 'replay-1', custom: { amount: 90000, recipient: 'X' } },
        }),
        (e: AuthsignalError) => e.statusCode === 409 && e.errorCode === 'idempotency_key_reused',
      );
    });

    it('answers getUser with 200 and isEnrolled false for a user it has not seen', async () => {
      const user = await h.authsignal.getUser({ userId: 'nobody-yet' });
      assert.equal(user.isEnrolled, false);
      assert.deepEqual(await h.authsignal.getAuthenticators({ userId: 'nobody-yet' }), []);
      assert.deepEqual(await h.authsignal.queryUserActions({ userId: 'nobody-yet' }), []);
    });

    it('updates a user, lists and removes authenticators, moves a review forward and deletes the user', async () => {
      await enroll(h, 'edsger');
      await h.authsignal.updateUser({ userId: 'edsger', attributes: { displayName: 'Edsger D.' } });
      assert.equal((await h.authsignal.getUser({ userId: 'edsger' })).displayName, 'Edsger D.');
      const authenticators = await h.authsignal.getAuthenticators({ userId: 'edsger' });
      assert.equal(authenticators.length, 1);
      assert.equal(authenticators[0]?.verificationMethod, 'PASSKEY');

      await h.setRules('wire', { defaultOutcome: 'REVIEW', rules: [] });
      const tracked = await h.authsignal.track({
        userId: 'edsger',
        action: 'wire',
        attributes: { idempotencyKey: 'w-1' },
      });
      assert.equal(tracked.state, 'REVIEW_REQUIRED');
      const updated = await h.authsignal.updateAction({
        userId: 'edsger',
        action: 'wire',
        idempotencyKey: 'w-1',
        attributes: { state: 'REVIEW_SUCCEEDED' as never },
      });
      assert.equal(updated.state, 'REVIEW_SUCCEEDED');
      const reviewed = await h.authsignal.queryUserActions({
        userId: 'edsger',
        state: 'REVIEW_SUCCEEDED' as never,
      });
      assert.equal(reviewed.length, 1);

      await h.authsignal.deleteAuthenticator({
        userId: 'edsger',
        userAuthenticatorId: authenticators[0]?.userAuthenticatorId as string,
      });
      assert.deepEqual(await h.authsignal.getAuthenticators({ userId: 'edsger' }), []);
      await h.authsignal.deleteUser({ userId: 'edsger' });
      assert.equal((await h.authsignal.getUser({ userId: 'edsger' })).isEnrolled, false);
      assert.equal((await auditEvents(h, 'user.deleted')).length, 1);
      assert.equal((await auditEvents(h, 'credential.revoked')).length, 1);
    });

    it('refuses a wrong secret key with 401 unauthorized in the SDK error shape', async () => {
      const { Authsignal } = await import('@authsignal/node');
      const wrong = new Authsignal({
        apiSecretKey: `${h.app.apiKey.slice(0, -4)}AAAA`,
        apiUrl: h.baseUrl,
        retries: 0,
      });
      await assert.rejects(
        wrong.track({ userId: 'ada', action: 'high-value-transfer' }),
        (e: AuthsignalError) =>
          e instanceof AuthsignalError && e.statusCode === 401 && e.errorCode === 'unauthorized',
      );
      const res = await fetch(`${h.baseUrl}/users/ada`);
      assert.equal(res.status, 401);
      assert.deepEqual(Object.keys((await res.json()) as object).sort(), [
        'error',
        'errorCode',
        'errorDescription',
      ]);
    });

    it('records every tracked action, its fired rules and its outcome in the audit log', async () => {
      const tracked = await auditEvents(h, 'action.tracked');
      assert.ok(tracked.length >= 5);
      const transfer = tracked.find((e) => e.data?.idempotencyKey === 'transfer-1');
      assert.equal(transfer?.data?.state, 'CHALLENGE_REQUIRED');
      assert.deepEqual(transfer?.data?.ruleIds, ['large-transfer']);
      assert.ok(
        (await auditEvents(h, 'action.rule_fired')).some(
          (e) => e.data?.ruleId === 'large-transfer',
        ),
      );
      assert.ok((await auditEvents(h, 'action.state_changed')).length >= 3);
      assert.ok((await auditEvents(h, 'step_up.succeeded')).length >= 3);
      assert.ok((await auditEvents(h, 'action.validated')).length >= 3);
      assert.ok((await auditEvents(h, 'action_config.updated')).length >= 4);
    });
  });
}
