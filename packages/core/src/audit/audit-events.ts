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
  'action_config.updated',
  'action.tracked',
  'action.rule_fired',
  'action.state_changed',
  'action.validated',
  'action.validation_refused',
  'step_up.started',
  'step_up.succeeded',
  'step_up.failed',
  'step_up_token.rejected',
  'user.updated',
  'user.deleted',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
