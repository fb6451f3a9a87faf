/**
 * The closed vocabulary of audit events. Every security-relevant fact is appended as one of these.
 */
export const AUDIT_EVENT_TYPES = [
  'app.created',
  'app.updated',
  'api_key.created',
  'api_key.revoked',
  'api_key.rejected',
  'transaction.created',
  'ceremony.started',
  'ceremony.succeeded',
  'ceremony.failed',
  'credential.registered',
  'credential.counter_flagged',
  'credential.revoked',
  'nonce.redeemed',
  'nonce.rejected',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
