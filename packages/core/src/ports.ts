/**
 * Every record and port of the store, for code outside core that imports them from one place.
 * Each noun's record and port live beside the code that uses them (`apps/app-port.ts`,
 * `ceremonies/ceremony-port.ts`, …) and `store-port.ts` assembles the `Store`; modules inside core
 * import those directly, never this file, so no import runs back up inside core.
 */
export * from './actions/action-port.ts';
export * from './actions/step-up-token-port.ts';
export * from './admin/admin-queries-port.ts';
export * from './admin/operator-port.ts';
export * from './apps/app-port.ts';
export * from './audit/audit-port.ts';
export * from './authenticators/metadata-port.ts';
export * from './ceremonies/ceremony-port.ts';
export * from './credentials/credential-port.ts';
export * from './nonces/nonce-port.ts';
export * from './portability/portability-port.ts';
export * from './session-tokens/signing-key-port.ts';
export * from './store-port.ts';
export * from './transactions/transaction-port.ts';
export * from './users/user-port.ts';
export * from './webhooks/webhook-port.ts';
