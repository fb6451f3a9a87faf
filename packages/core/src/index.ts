export * from './actions/index.ts';
export * from './admin/index.ts';
export * from './apps/api-key-format.ts';
export { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from './apps/api-keys.ts';
export { ceremonyOrigins } from './apps/ceremony-origins.ts';
export { type CreateAppOptions, createApp } from './apps/create-app.ts';
export { effectiveHints } from './apps/effective-hints.ts';
export { anyAppHasOrigin, findApp, listApps } from './apps/find-apps.ts';
export { getApp } from './apps/get-app.ts';
export * from './apps/native-apps.ts';
export * from './apps/origins.ts';
export * from './apps/policy.ts';
export * from './apps/related-origins.ts';
export { resolveHints, resolvePolicy } from './apps/resolve-policy.ts';
export { type UpdateAppOptions, updateApp } from './apps/update-app.ts';
export * from './apps/well-known.ts';
export * from './audit/audit-events.ts';
export {
  AUDIT_CONTEXT_LIMITS,
  type AuditFacts,
  type RequestContext,
  recordEvent,
} from './audit/record-event.ts';
export { isCounterRegression } from './authentication/counter.ts';
export {
  type FinishAuthenticationOptions,
  finishAuthentication,
} from './authentication/finish-authentication.ts';
export {
  type StartAuthenticationOptions,
  startAuthentication,
} from './authentication/start-authentication.ts';
export * from './authenticators/index.ts';
export { prfEnabled, withoutPrfResults } from './credentials/prf.ts';
export * from './errors.ts';
export { mintNonce, type RedeemedNonce, redeemNonce } from './nonces/nonces.ts';
export * from './portability/index.ts';
export * from './ports.ts';
export {
  credentialTypeOf,
  defaultFriendlyName,
  type Provider,
  providerOf,
} from './providers/providers.ts';
export type { RateLimitCounter } from './rate-limits/rate-limit-counter-port.ts';
export {
  type CreateRecoveryTransactionOptions,
  createRecoveryTransaction,
} from './recovery/create-recovery-transaction.ts';
export type { RecoveryMode } from './recovery/recovery-mode.ts';
export {
  type FinishRegistrationOptions,
  finishRegistration,
  MAX_CREDENTIAL_ID_BYTES,
} from './registration/finish-registration.ts';
export {
  type StartRegistrationOptions,
  startRegistration,
} from './registration/start-registration.ts';
export * from './runtime.ts';
export * from './session-tokens/session-tokens.ts';
export * from './session-tokens/signing-keys.ts';
export { storeAnswers } from './store-health.ts';
export {
  type CreateTransactionOptions,
  createTransaction,
} from './transactions/create-transaction.ts';
export * from './users/external-id.ts';
export { getUser, listDevices, listUsers, revokeDevice } from './users/users.ts';
export * from './webhooks/webhook-deliveries.ts';
export * from './webhooks/webhook-endpoints.ts';
export * from './webhooks/webhook-events.ts';
export * from './webhooks/webhook-url.ts';
