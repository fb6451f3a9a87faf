/**
 * The policy fields core validates, by the `apps create`/`apps update` flag that sets each, so a
 * refused value is reported by the flag the operator typed (`--ceremony-ttl`), not by the field
 * name the API uses (`ceremonyTtlSeconds`). Kept next to policy-flags.ts, which defines the flags.
 */

/** Every policy field (rate limits as `rateLimits.<name>`) and its flag. */
export const POLICY_FIELD_FLAGS = {
  userVerification: '--user-verification',
  attestation: '--attestation',
  residentKey: '--resident-key',
  algorithms: '--algorithms',
  ceremonyTtlSeconds: '--ceremony-ttl',
  transactionTtlSeconds: '--transaction-ttl',
  nonceTtlSeconds: '--nonce-ttl',
  counterPolicy: '--counter-policy',
  allowCrossOrigin: '--allow-cross-origin',
  allowRemovingLastPasskey: '--allow-removing-last-passkey',
  'rateLimits.startsPerIp': '--starts-per-ip',
  'rateLimits.startsPerApp': '--starts-per-app',
  'rateLimits.failuresPerIp': '--failures-per-ip',
  'rateLimits.failuresPerApp': '--failures-per-app',
  onRuleError: '--on-rule-error',
  'sessionTokens.enabled': '--session-tokens',
  'sessionTokens.ttlSeconds': '--session-token-ttl',
  aaguidAllowList: '--aaguid-allow',
  aaguidDenyList: '--aaguid-deny',
  deviceBinding: '--device-binding',
  requireAttestedAuthenticator: '--require-attested-authenticator',
  hints: '--hints',
  relatedOrigins: '--related-origin',
  androidApps: '--android-app',
  appleAppIds: '--apple-app',
} as const;

/** A policy field name, as core's validation messages start with it. */
export type PolicyField = keyof typeof POLICY_FIELD_FLAGS;

/**
 * A policy validation message with its leading field name replaced by the flag. Core's messages
 * start with the field (`ceremonyTtlSeconds must be …`); any other message is returned unchanged.
 *
 * @example
 * withPolicyFlagNames('ceremonyTtlSeconds must be a whole number of seconds from 10 to 3600')
 * // '--ceremony-ttl must be a whole number of seconds from 10 to 3600'
 */
export function withPolicyFlagNames(message: string): string {
  const field = /^([A-Za-z]+(?:\.[A-Za-z]+)?)[ :]/.exec(message)?.[1];
  if (field === undefined || !Object.hasOwn(POLICY_FIELD_FLAGS, field)) return message;
  return `${POLICY_FIELD_FLAGS[field as PolicyField]}${message.slice(field.length)}`;
}
