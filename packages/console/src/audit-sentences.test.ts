import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_EVENT_TYPES, ERROR_CODES, FAILURE_REASONS } from '@latchkey/core';
import { describeEvent, SENTENCES } from './ui/audit/event-sentence.ts';
import { FAILURE_HELP } from './ui/audit/failure-help.ts';
import type { AuditEvent } from './ui/types.ts';

const ada = { user_id: 'u-1', external_id: 'ada@example.com', display_name: 'ada@example.com' };

function event(overrides: Partial<AuditEvent>): AuditEvent {
  return {
    id: 'e1',
    type: 'ceremony.started',
    at: '2026-01-01T00:00:00.000Z',
    app_id: 'app-1',
    user_id: null,
    credential_id: null,
    reason: null,
    ip: null,
    user_agent: null,
    request_id: null,
    actor: null,
    data: null,
    user: null,
    actor_name: null,
    credential: null,
    ...overrides,
  };
}

describe('audit event sentences', () => {
  it('has a sentence for every audit event type the server records, and no other', () => {
    assert.deepEqual(Object.keys(SENTENCES).sort(), [...AUDIT_EVENT_TYPES].sort());
  });

  it('reads every event type, even with no data, as a sentence without internal ids', () => {
    for (const type of AUDIT_EVENT_TYPES) {
      const { text, tone } = describeEvent(
        event({ type, user_id: 'u-internal-1', user: { ...ada, user_id: 'u-internal-1' } }),
      );
      assert.ok(text.length > 10, `${type}: ${text}`);
      assert.doesNotMatch(text, /u-internal-1|undefined|\[object/, type);
      assert.ok(['ok', 'bad', 'warn', 'info'].includes(tone), type);
    }
  });

  it('names the user by external id and the passkey by its provider, with the address', () => {
    const sentence = describeEvent(
      event({
        type: 'ceremony.succeeded',
        user_id: 'u-1',
        user: ada,
        ip: '203.0.113.7',
        data: { kind: 'authenticate', binding: 'none' },
        credential: { friendly_name: 'iPhone', provider: 'iCloud Keychain' },
      }),
    );
    assert.deepEqual(sentence, {
      text: 'ada@example.com signed in with iCloud Keychain from 203.0.113.7',
      tone: 'ok',
    });
  });

  it('adds the display name where it differs from the external id', () => {
    const sentence = describeEvent(
      event({
        type: 'credential.revoked',
        user_id: 'u-2',
        user: { user_id: 'u-2', external_id: 'bob', display_name: 'Bob Smith' },
        data: { credentialId: 'c1', friendlyName: 'YubiKey 5' },
      }),
    );
    assert.equal(sentence.text, 'bob (Bob Smith) revoked a passkey (YubiKey 5)');
  });

  it('says an operator revoked the passkey when one did', () => {
    const sentence = describeEvent(
      event({
        type: 'credential.revoked',
        user_id: 'u-2',
        user: { user_id: 'u-2', external_id: 'bob', display_name: '' },
        actor: 'tok-1',
        actor_name: 'Olivia (ops)',
        data: { actor: 'tok-1', friendlyName: 'YubiKey 5' },
      }),
    );
    assert.equal(sentence.text, 'Operator Olivia (ops) revoked the passkey YubiKey 5 of bob');
  });

  it('tells an account recovery from its start to the passkeys it revoked', () => {
    const bob = { user_id: 'u-2', external_id: 'bob', display_name: '' };
    const of = (overrides: Partial<AuditEvent>) =>
      describeEvent(event({ user_id: 'u-2', user: bob, ...overrides }));
    assert.equal(
      of({ type: 'recovery.started', data: { revokeOtherPasskeys: true, passkeys: 2 } }).text,
      'The app’s backend started an account recovery for bob: a new passkey will replace the 2 passkeys they hold',
    );
    assert.equal(
      of({ type: 'recovery.started', data: { revokeOtherPasskeys: false, passkeys: 2 } }).text,
      'The app’s backend started an account recovery for bob: a new passkey will be added beside the others',
    );
    assert.deepEqual(
      of({
        type: 'recovery.completed',
        ip: '203.0.113.7',
        data: { revokeOtherPasskeys: true, revoked: 2, prfPasskeysRevoked: 1 },
        credential: { friendly_name: 'Passkey', provider: 'iCloud Keychain' },
      }),
      {
        text: 'bob recovered their account with iCloud Keychain from 203.0.113.7; 2 passkeys revoked (1 with PRF: what was encrypted with their keys is lost)',
        tone: 'warn',
      },
    );
    assert.equal(
      of({ type: 'credential.revoked', reason: 'recovery', data: { friendlyName: 'YubiKey 5' } })
        .text,
      'The passkey YubiKey 5 of bob was revoked by an account recovery',
    );
  });

  it('tells what a tracked action started as, coloured by its state', () => {
    const tracked = (state: string) =>
      describeEvent(
        event({
          type: 'action.tracked',
          user_id: 'u-2',
          user: { user_id: 'u-2', external_id: 'bob', display_name: '' },
          data: { actionCode: 'high-value-transfer', state },
        }),
      );
    assert.deepEqual(tracked('CHALLENGE_REQUIRED'), {
      text: 'A high-value-transfer by bob was challenged',
      tone: 'warn',
    });
    assert.equal(tracked('ALLOW').tone, 'ok');
    assert.equal(tracked('BLOCK').tone, 'bad');
  });

  it('explains why a ceremony failed, and says when the user is gone', () => {
    const sentence = describeEvent(
      event({
        type: 'ceremony.failed',
        user_id: 'u-deleted',
        reason: 'user_not_verified',
        data: { kind: 'register', binding: 'transaction' },
      }),
    );
    assert.equal(sentence.tone, 'bad');
    assert.match(
      sentence.text,
      /^An attempt by a user who no longer exists to register a passkey failed: /,
    );
    assert.match(sentence.text, /\(user_not_verified\)$/);
  });

  it('still shows an event type it does not know', () => {
    assert.deepEqual(describeEvent(event({ type: 'something.new', reason: 'why' })), {
      text: 'something.new (why)',
      tone: 'info',
    });
  });
});

describe('failure help', () => {
  it('explains every failure reason and error code the server records', () => {
    for (const code of [...FAILURE_REASONS, ...ERROR_CODES]) {
      assert.ok(FAILURE_HELP[code], `no help for ${code}`);
    }
  });
});
