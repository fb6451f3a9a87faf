/**
 * Step-up on the one ceremony model, through core: the challenge is an ordinary ceremony bound to
 * its action, verified by the same path as a flex sign-in; no hidden ceremony and no nonce are
 * made, and the ceremony's events name the action.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { actionFixture } from '@latchkey/store/testing';
import type { AuditEventRecord } from '../audit/audit-port.ts';
import { finishAuthentication } from '../authentication/finish-authentication.ts';
import {
  type CeremonyHarness,
  openHarness,
  refused,
  registeredUser,
} from '../testing/ceremony-harness.ts';
import { attributesHash } from './attributes-binding.ts';
import {
  createSignInChallenge,
  finishStepUpAuthentication,
  startStepUpAuthentication,
} from './step-up-authentication.ts';
import { issueToken } from './step-up-tokens.ts';

describe('step-up ceremonies', () => {
  let h: CeremonyHarness;
  let alice: Awaited<ReturnType<typeof registeredUser>>;
  beforeEach(async () => {
    h = await openHarness();
    alice = await registeredUser(h, 'alice');
  });
  afterEach(() => h.close());

  async function trackedToken(): Promise<{ token: string; actionId: string }> {
    const custom = { amount: 7500 };
    const { action } = await h.runtime.store.actions.insertOrGet(
      actionFixture(h.app.id, alice.user.id, { custom, attributesHash: attributesHash(custom) }),
    );
    return { token: await issueToken(h.runtime, { action }), actionId: action.id };
  }

  const events = (type: AuditEventRecord['type']) =>
    h.runtime.store.audit.list({ appId: h.app.id, type, limit: 50 });

  it('verifies a step-up once, with one ceremony stream naming the action and no nonce', async () => {
    const { token, actionId } = await trackedToken();
    const nonces = await h.sql.db.selectFrom('nonces').selectAll().execute();
    const started = await startStepUpAuthentication(h.runtime, { token });
    const response = await alice.authenticator.getAssertion({
      options: started.options,
      origin: h.origin,
    });
    const verified = await finishStepUpAuthentication(h.runtime, {
      token,
      challengeId: started.challengeId,
      response,
    });
    assert.equal(verified.action.state, 'CHALLENGE_SUCCEEDED');
    // No nonce beyond the registration's, and no second ceremony beside the step-up's own.
    assert.equal((await h.sql.db.selectFrom('nonces').selectAll().execute()).length, nonces.length);
    const ceremonies = await h.sql.db
      .selectFrom('ceremonies')
      .selectAll()
      .where('binding', '=', 'action')
      .execute();
    assert.deepEqual(
      ceremonies.map((c) => c.id),
      [started.challengeId],
    );
    for (const type of ['ceremony.started', 'ceremony.succeeded'] as const) {
      const [event] = (await events(type)).filter(
        (e) => e.data?.ceremonyId === started.challengeId,
      );
      assert.equal(event?.data?.binding, 'action', type);
      assert.equal(event?.data?.actionId, actionId, type);
    }
    assert.equal((await events('step_up.succeeded')).length, 1);
    assert.equal((await events('step_up.started')).length, 0);
    await assert.rejects(
      finishStepUpAuthentication(h.runtime, { token, challengeId: started.challengeId, response }),
      refused('ceremony_invalid', 'ceremony_unknown'),
    );
  });

  it('refuses a user-verification-less answer and fails the action, recording both streams', async () => {
    const { token } = await trackedToken();
    const started = await startStepUpAuthentication(h.runtime, { token });
    const response = await alice.authenticator.getAssertion({
      options: started.options,
      origin: h.origin,
      overrides: { flags: { uv: false } },
    });
    await assert.rejects(
      finishStepUpAuthentication(h.runtime, { token, challengeId: started.challengeId, response }),
      refused('authentication_rejected', 'user_not_verified'),
    );
    const [failed] = (await events('ceremony.failed')).filter(
      (e) => e.data?.ceremonyId === started.challengeId,
    );
    assert.equal(failed?.data?.binding, 'action');
    assert.equal(failed?.reason, 'user_not_verified');
    assert.equal((await events('step_up.failed'))[0]?.reason, 'user_not_verified');
  });

  it('signs in with a passkey on a sign-in challenge, which a flex finish cannot burn', async () => {
    const { challengeId, challenge } = await createSignInChallenge(h.runtime, { app: h.app });
    const response = await alice.authenticator.getAssertion({
      options: { challenge, rpId: h.app.rpId, userVerification: 'required' },
      origin: h.origin,
    });
    await assert.rejects(
      finishAuthentication(h.runtime, {
        appId: h.app.id,
        ceremonyId: challengeId,
        transactionId: null,
        response,
      }),
      refused('ceremony_invalid', 'ceremony_unknown'),
    );
    const verified = await finishStepUpAuthentication(h.runtime, {
      app: h.app,
      challengeId,
      response,
    });
    assert.equal(verified.action.actionCode, 'signInWithPasskey');
    assert.equal(verified.user.id, alice.user.id);
    const [started] = (await events('ceremony.started')).filter(
      (e) => e.data?.ceremonyId === challengeId,
    );
    assert.deepEqual(
      { binding: started?.data?.binding, actionId: started?.data?.actionId },
      { binding: 'action', actionId: null },
    );
  });
});
