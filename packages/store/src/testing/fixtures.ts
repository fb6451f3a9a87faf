/**
 * Record factories for store tests: valid records with unique ids, any field overridable.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type ActionRecord,
  type ApiKeyRecord,
  type AppRecord,
  type AuditEventRecord,
  type CeremonyRecord,
  type CredentialRecord,
  DEFAULT_POLICY,
  type NonceRecord,
  type StepUpTokenRecord,
  type TransactionRecord,
  type UserRecord,
} from '@latchkey/core';

/** A fixed instant tests count from (2026-06-01T12:00:00Z). */
export const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

function b64u(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** An app with the default policy. */
export function appFixture(overrides: Partial<AppRecord> = {}): AppRecord {
  return {
    id: randomUUID(),
    name: 'Bank',
    rpId: 'bank.example',
    origins: ['https://bank.example'],
    policy: { ...DEFAULT_POLICY },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A live API key of `appId`. */
export function apiKeyFixture(appId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: randomUUID(),
    appId,
    secretHash: randomBytes(32).toString('hex'),
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** An active user of `appId` with a random external id and WebAuthn handle. */
export function userFixture(appId: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: randomUUID(),
    appId,
    externalId: `ext-${randomUUID()}`,
    displayName: 'Ada Lovelace',
    webauthnUserId: b64u(32),
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    lastLoginAt: null,
    loginCount: 0,
    ...overrides,
  };
}

/** A passkey of `userId` in `appId`. */
export function credentialFixture(
  appId: string,
  userId: string,
  overrides: Partial<CredentialRecord> = {},
): CredentialRecord {
  return {
    id: randomUUID(),
    appId,
    userId,
    credentialId: b64u(32),
    publicKey: b64u(77),
    algorithm: -7,
    counter: 0,
    transports: ['internal', 'hybrid'],
    aaguid: '00000000-0000-0000-0000-000000000000',
    backupEligible: true,
    backupState: true,
    attachment: 'platform',
    type: 'passkey',
    friendlyName: 'iCloud Keychain',
    createdAt: T0,
    updatedAt: T0,
    lastUsedAt: null,
    usageCount: 0,
    aaguidAttested: false,
    createdByUpgrade: false,
    prfEnabled: false,
    ...overrides,
  };
}

/** An unconsumed registration ceremony of `appId`, expiring five minutes after T0. */
export function ceremonyFixture(
  appId: string,
  overrides: Partial<CeremonyRecord> = {},
): CeremonyRecord {
  return {
    id: randomUUID(),
    appId,
    kind: 'register',
    challenge: b64u(32),
    userId: null,
    binding: { type: 'none' },
    userVerificationRequired: true,
    conditional: false,
    recovery: null,
    expiresAt: T0 + 300_000,
    consumedAt: null,
    createdAt: T0,
    ...overrides,
  };
}

/** An unconsumed registration transaction of `userId`, expiring five minutes after T0. */
export function transactionFixture(
  appId: string,
  userId: string,
  overrides: Partial<TransactionRecord> = {},
): TransactionRecord {
  return {
    id: randomUUID(),
    appId,
    kind: 'register',
    userId,
    passkeyDisplayName: null,
    hints: null,
    upgrade: false,
    recovery: null,
    expiresAt: T0 + 300_000,
    consumedAt: null,
    createdAt: T0,
    ...overrides,
  };
}

/** An unconsumed authentication nonce of `userId`, expiring two minutes after T0. */
export function nonceFixture(
  appId: string,
  userId: string,
  overrides: Partial<NonceRecord> = {},
): NonceRecord {
  return {
    hash: randomBytes(32).toString('hex'),
    appId,
    userId,
    kind: 'authenticate',
    credentialId: randomUUID(),
    userVerified: true,
    expiresAt: T0 + 120_000,
    consumedAt: null,
    createdAt: T0,
    ...overrides,
  };
}

/** An audit event of `appId` at T0. */
export function auditEventFixture(
  appId: string | null,
  overrides: Partial<AuditEventRecord> = {},
): AuditEventRecord {
  return {
    id: randomUUID(),
    appId,
    type: 'ceremony.started',
    at: T0,
    userId: null,
    credentialId: null,
    reason: null,
    ip: '203.0.113.7',
    userAgent: 'test',
    requestId: randomUUID(),
    data: null,
    ...overrides,
  };
}

/** A tracked action of `userId` in state CHALLENGE_REQUIRED, with a custom amount. */
export function actionFixture(
  appId: string,
  userId: string,
  overrides: Partial<ActionRecord> = {},
): ActionRecord {
  return {
    id: randomUUID(),
    appId,
    userId,
    actionCode: 'high-value-transfer',
    idempotencyKey: randomUUID(),
    state: 'CHALLENGE_REQUIRED',
    attributes: { custom: { amount: 7500 }, ipAddress: '203.0.113.7' },
    custom: { amount: 7500 },
    attributesHash: randomBytes(32).toString('hex'),
    requestHash: randomBytes(32).toString('hex'),
    rules: [{ ruleId: 'large-transfer', name: 'large transfer', description: null }],
    ipAddress: '203.0.113.7',
    userAgent: 'test',
    deviceId: null,
    verifiedByCredentialId: null,
    createdAt: T0,
    updatedAt: T0,
    stateUpdatedAt: T0,
    validatedAt: null,
    passkeyRequirement: null,
    ...overrides,
  };
}

/** A step-up token of an action, expiring ten minutes after T0. */
export function stepUpTokenFixture(
  action: ActionRecord,
  overrides: Partial<StepUpTokenRecord> = {},
): StepUpTokenRecord {
  return {
    hash: randomBytes(32).toString('hex'),
    appId: action.appId,
    actionId: action.id,
    userId: action.userId,
    actionCode: action.actionCode,
    idempotencyKey: action.idempotencyKey,
    scopes: [],
    userVerified: null,
    expiresAt: T0 + 600_000,
    createdAt: T0,
    ...overrides,
  };
}

/** An unconsumed step-up authentication ceremony of `appId`, bound to an action, expiring five minutes after T0. */
export function stepUpCeremonyFixture(
  appId: string,
  overrides: Partial<CeremonyRecord> = {},
): CeremonyRecord {
  return {
    id: randomUUID(),
    appId,
    kind: 'authenticate',
    challenge: b64u(64),
    userId: randomUUID(),
    binding: {
      type: 'action',
      actionId: randomUUID(),
      actionCode: 'high-value-transfer',
      attributesHash: 'ab'.repeat(32),
    },
    userVerificationRequired: true,
    conditional: false,
    recovery: null,
    expiresAt: T0 + 300_000,
    consumedAt: null,
    createdAt: T0,
    ...overrides,
  };
}
