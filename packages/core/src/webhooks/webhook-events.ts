/**
 * The closed vocabulary of webhook events, and how each is derived from the audit event that
 * records the same fact. An app's endpoints subscribe to these names; the payload of each is
 * documented in docs/webhooks.md and versioned by {@link WEBHOOK_PAYLOAD_VERSION}.
 */
import type { AuditFacts } from '../audit/audit-events.ts';

/** Every event an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'passkey.created',
  'passkey.revoked',
  'sign_in.succeeded',
  'sign_in.failed',
  'action.tracked',
  'action.state_changed',
  'recovery.started',
  'recovery.completed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * The payload's version. It changes only when a field is removed or changes meaning; fields are
 * added without a new version, so receivers must ignore fields they do not know.
 */
export const WEBHOOK_PAYLOAD_VERSION = 1;

/** Whether a string names a webhook event. */
export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** One event to announce: its type and its `data` besides `app_id` and `external_id`. */
export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** Copies the named audit data fields that are present, under their payload names. */
function pick(
  data: Record<string, unknown> | null | undefined,
  fields: Record<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(fields)) {
    const value = data?.[from];
    if (value !== undefined) out[to] = value;
  }
  return out;
}

/**
 * Whether a ceremony event is a sign-in: a flex authentication (with or without a transaction), or
 * an actions passkey sign-in (bound to no action yet). A step-up is not one: it is announced by
 * the action's own `action.state_changed`.
 */
function isSignIn(data: Record<string, unknown> | null | undefined): boolean {
  if (data?.kind !== 'authenticate') return false;
  return data.binding !== 'action' || data.actionId === null;
}

/**
 * The webhook event an audit event announces, or null when it announces none. Payload fields are
 * listed one by one (never the audit data whole), so nothing reaches a receiver by accident: no
 * secret, no challenge, no request facts (IP, user agent).
 */
export function webhookEventFor(facts: AuditFacts): WebhookEvent | null {
  const device = facts.credentialId ? { device_id: facts.credentialId } : {};
  switch (facts.type) {
    case 'credential.registered':
      return {
        type: 'passkey.created',
        data: {
          ...device,
          ...pick(facts.data, {
            aaguid: 'aaguid',
            type: 'type',
            backupEligible: 'backup_eligible',
          }),
        },
      };
    case 'credential.revoked':
      return {
        type: 'passkey.revoked',
        data: {
          ...device,
          ...pick(facts.data, { friendlyName: 'friendly_name' }),
          ...(facts.reason ? { reason: facts.reason } : {}),
        },
      };
    case 'ceremony.succeeded':
      if (!isSignIn(facts.data)) return null;
      return {
        type: 'sign_in.succeeded',
        data: {
          ...device,
          ...pick(facts.data, { ceremonyId: 'ceremony_id', userVerified: 'user_verified' }),
        },
      };
    case 'ceremony.failed':
      if (!isSignIn(facts.data)) return null;
      return {
        type: 'sign_in.failed',
        data: {
          ...device,
          reason: facts.reason ?? null,
          ...pick(facts.data, { ceremonyId: 'ceremony_id' }),
        },
      };
    case 'action.tracked':
      return {
        type: 'action.tracked',
        data: pick(facts.data, {
          actionId: 'action_id',
          actionCode: 'action_code',
          idempotencyKey: 'idempotency_key',
          state: 'state',
        }),
      };
    case 'action.state_changed':
      return {
        type: 'action.state_changed',
        data: {
          ...pick(facts.data, {
            actionId: 'action_id',
            actionCode: 'action_code',
            idempotencyKey: 'idempotency_key',
            from: 'from',
            to: 'to',
          }),
          ...device,
        },
      };
    case 'recovery.started':
      return {
        type: 'recovery.started',
        data: pick(facts.data, {
          transactionId: 'transaction_id',
          revokeOtherPasskeys: 'revoke_other_passkeys',
          passkeys: 'passkey_count',
        }),
      };
    case 'recovery.completed':
      return {
        type: 'recovery.completed',
        data: {
          ...device,
          ...pick(facts.data, {
            transactionId: 'transaction_id',
            revokeOtherPasskeys: 'revoke_other_passkeys',
            revoked: 'revoked_count',
            revokedDeviceIds: 'revoked_device_ids',
            prfPasskeysRevoked: 'prf_passkeys_revoked',
          }),
        },
      };
    default:
      return null;
  }
}
