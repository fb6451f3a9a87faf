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
  'action.rule_failed',
  'action.state_changed',
  'action.validated',
  'action.validation_refused',
  'step_up.started',
  'step_up.succeeded',
  'step_up.failed',
  'step_up_token.rejected',
  'user.updated',
  'user.deleted',
  'action_config.deleted',
  'operator_token.created',
  'operator_token.revoked',
  'operator.rejected',
  'operator_session.started',
  'operator_session.ended',
  'signing_key.rotated',
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.removed',
  'webhook_secret.rotated',
  'webhook.redelivered',
  'authenticator_metadata.loaded',
  'passkeys.exported',
  'passkeys.imported',
  'recovery.started',
  'recovery.completed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * The facts of one audit event, besides what the runtime (time, id) and the request context
 * supply. Declared here, not beside `recordEvent`, so that the runtime's observers can name it
 * without importing the module that imports the runtime.
 */
export interface AuditFacts {
  type: AuditEventType;
  appId: string | null;
  userId?: string | null;
  credentialId?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
}
