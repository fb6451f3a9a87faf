import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_EVENT_TYPES } from '../audit/audit-events.ts';
import { WEBHOOK_EVENT_TYPES, webhookEventFor } from './webhook-events.ts';

const base = { appId: 'app', userId: 'u1', credentialId: 'd1' };

describe('webhook events from audit events', () => {
  it('announces passkeys, sign-ins and actions, with the listed fields only', () => {
    assert.deepEqual(
      webhookEventFor({
        ...base,
        type: 'credential.registered',
        data: { aaguid: 'a', type: 'passkey', backupEligible: true, fmt: 'none', secret: 'x' },
      }),
      {
        type: 'passkey.created',
        data: { device_id: 'd1', aaguid: 'a', type: 'passkey', backup_eligible: true },
      },
    );
    assert.deepEqual(
      webhookEventFor({ ...base, type: 'credential.revoked', data: { friendlyName: 'Phone' } }),
      { type: 'passkey.revoked', data: { device_id: 'd1', friendly_name: 'Phone' } },
    );
    assert.deepEqual(
      webhookEventFor({
        ...base,
        type: 'ceremony.succeeded',
        data: { kind: 'authenticate', ceremonyId: 'c1', binding: 'none', userVerified: true },
      }),
      {
        type: 'sign_in.succeeded',
        data: { device_id: 'd1', ceremony_id: 'c1', user_verified: true },
      },
    );
    assert.deepEqual(
      webhookEventFor({
        appId: 'app',
        type: 'ceremony.failed',
        reason: 'signature_invalid',
        data: { kind: 'authenticate', ceremonyId: 'c2', binding: 'transaction', code: 'x' },
      }),
      { type: 'sign_in.failed', data: { reason: 'signature_invalid', ceremony_id: 'c2' } },
    );
    assert.deepEqual(
      webhookEventFor({
        ...base,
        type: 'action.state_changed',
        data: {
          actionId: 'a1',
          actionCode: 'pay',
          idempotencyKey: 'k',
          from: 'CHALLENGE_REQUIRED',
          to: 'CHALLENGE_SUCCEEDED',
        },
      }),
      {
        type: 'action.state_changed',
        data: {
          action_id: 'a1',
          action_code: 'pay',
          idempotency_key: 'k',
          from: 'CHALLENGE_REQUIRED',
          to: 'CHALLENGE_SUCCEEDED',
          device_id: 'd1',
        },
      },
    );
  });

  it('announces an account recovery, and the passkeys it revoked, with the listed fields only', () => {
    assert.deepEqual(
      webhookEventFor({
        ...base,
        credentialId: null,
        type: 'recovery.started',
        data: { transactionId: 't1', revokeOtherPasskeys: true, passkeys: 2, secret: 'x' },
      }),
      {
        type: 'recovery.started',
        data: { transaction_id: 't1', revoke_other_passkeys: true, passkey_count: 2 },
      },
    );
    assert.deepEqual(
      webhookEventFor({
        ...base,
        credentialId: 'd3',
        type: 'recovery.completed',
        data: {
          transactionId: 't1',
          ceremonyId: 'c1',
          credentialId: 'cred-3',
          revokeOtherPasskeys: true,
          revoked: 2,
          revokedDeviceIds: ['d1', 'd2'],
          prfPasskeysRevoked: 1,
        },
      }),
      {
        type: 'recovery.completed',
        data: {
          device_id: 'd3',
          transaction_id: 't1',
          revoke_other_passkeys: true,
          revoked_count: 2,
          revoked_device_ids: ['d1', 'd2'],
          prf_passkeys_revoked: 1,
        },
      },
    );
    assert.deepEqual(
      webhookEventFor({
        ...base,
        type: 'credential.revoked',
        reason: 'recovery',
        data: { friendlyName: 'Phone' },
      }),
      {
        type: 'passkey.revoked',
        data: { device_id: 'd1', friendly_name: 'Phone', reason: 'recovery' },
      },
    );
  });

  it('does not call a step-up or a registration a sign-in', () => {
    for (const data of [
      { kind: 'authenticate', binding: 'action', actionId: 'a1', actionCode: 'pay' },
      { kind: 'register', binding: 'transaction' },
    ]) {
      assert.equal(webhookEventFor({ ...base, type: 'ceremony.succeeded', data }), null);
      assert.equal(webhookEventFor({ ...base, type: 'ceremony.failed', data }), null);
    }
    // An actions passkey sign-in is bound to no action yet: it is a sign-in.
    const signIn = { kind: 'authenticate', binding: 'action', actionId: null };
    assert.equal(
      webhookEventFor({ ...base, type: 'ceremony.succeeded', data: signIn })?.type,
      'sign_in.succeeded',
    );
  });

  it('announces only events of the closed vocabulary', () => {
    for (const type of AUDIT_EVENT_TYPES) {
      const event = webhookEventFor({ ...base, type, data: { kind: 'authenticate' } });
      if (event) assert.ok(WEBHOOK_EVENT_TYPES.includes(event.type), type);
    }
  });
});
