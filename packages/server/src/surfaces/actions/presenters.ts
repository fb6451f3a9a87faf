import type {
  ActionConfigRecord,
  ActionRecord,
  ActionStateChangeRecord,
  CredentialRecord,
  UserRecord,
} from '@latchkey/core';
import { passkeyFacts } from '@latchkey/core';
import type { Static } from '@sinclair/typebox';
import type { Authenticator, VerificationMethodsOnly } from './schemas/common.ts';
import type { ActionConfigJson, ActionDetail, ActionSummary, Validated } from './schemas/server.ts';

/** The verification-method fields of a track or getUser answer. */
export type VerificationMethodsJson = Static<typeof VerificationMethodsOnly>;

/** The one verification method latchkey offers. */
const PASSKEY = 'PASSKEY' as const;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A passkey as the SDKs' `UserAuthenticator` (`getAuthenticators`, `signUp`). */
export function authenticatorJson(
  user: UserRecord,
  c: CredentialRecord,
): Static<typeof Authenticator> {
  return {
    userId: user.externalId,
    userAuthenticatorId: c.id,
    verificationMethod: PASSKEY,
    createdAt: iso(c.createdAt),
    verifiedAt: iso(c.createdAt),
    ...(c.lastUsedAt === null ? {} : { lastVerifiedAt: iso(c.lastUsedAt) }),
    webauthnCredential: {
      credentialId: c.credentialId,
      deviceId: c.id,
      name: c.friendlyName,
      aaguid: c.aaguid,
      credentialBackedUp: c.backupState,
      credentialDeviceType: c.backupEligible ? 'multiDevice' : 'singleDevice',
      ...(c.attachment === null ? {} : { authenticatorAttachment: c.attachment }),
      aaguidAttested: c.aaguidAttested === true,
    },
  };
}

/** Verification methods of a user with `count` passkeys. */
export function methodsJson(count: number): VerificationMethodsJson {
  return {
    isEnrolled: count > 0,
    enrolledVerificationMethods: count > 0 ? [PASSKEY] : [],
    allowedVerificationMethods: [PASSKEY],
    ...(count > 0 ? { defaultVerificationMethod: PASSKEY } : {}),
  };
}

/** An action as `getAction` returns it, with its state history. */
export function actionJson(
  action: ActionRecord,
  changes: ActionStateChangeRecord[],
): Static<typeof ActionDetail> {
  return {
    state: action.state,
    stateUpdatedAt: iso(action.stateUpdatedAt),
    createdAt: iso(action.createdAt),
    ...(action.verifiedByCredentialId === null ? {} : { verificationMethod: PASSKEY }),
    rules: action.rules.map((r) => ({
      ruleId: r.ruleId,
      name: r.name,
      ...(r.description === null ? {} : { description: r.description }),
    })),
    output: {
      actionCode: action.actionCode,
      idempotencyKey: action.idempotencyKey,
      custom: action.custom,
      attributesHash: action.attributesHash,
      verifiedByAuthenticatorId: action.verifiedByCredentialId,
      validatedAt: action.validatedAt === null ? null : iso(action.validatedAt),
      stateChanges: changes.map((c) => ({
        fromState: c.fromState,
        toState: c.toState,
        at: iso(c.at),
        ruleIds: c.ruleIds,
        verifiedByAuthenticatorId: c.credentialId,
        reason: c.reason,
      })),
    },
  };
}

/** An action as one item of `queryUserActions`. */
export function actionSummaryJson(action: ActionRecord): Static<typeof ActionSummary> {
  return {
    actionCode: action.actionCode,
    idempotencyKey: action.idempotencyKey,
    createdAt: iso(action.createdAt),
    updatedAt: iso(action.updatedAt),
    state: action.state,
    stateUpdatedAt: iso(action.stateUpdatedAt),
    ruleIds: action.rules.map((r) => r.ruleId),
    ...(action.verifiedByCredentialId === null
      ? {}
      : {
          verificationMethod: PASSKEY,
          verifiedByAuthenticatorId: action.verifiedByCredentialId,
        }),
  };
}

/** An action code's rules, as the rules routes and the CLI show them. */
export function actionConfigJson(config: ActionConfigRecord): Static<typeof ActionConfigJson> {
  return {
    actionCode: config.actionCode,
    defaultOutcome: config.defaultOutcome,
    rules: config.rules,
    version: config.version,
    createdAt: iso(config.createdAt),
    updatedAt: iso(config.updatedAt),
    passkeyRequirement: config.passkeyRequirement ?? null,
  };
}

/** The passkey that met a challenge, for `validate` (docs/actions.md). */
export function verifiedPasskeyJson(
  credential: CredentialRecord,
): NonNullable<Static<typeof Validated>['verifiedPasskey']> {
  const facts = passkeyFacts(credential);
  return {
    userAuthenticatorId: credential.id,
    credentialId: credential.credentialId,
    aaguid: credential.aaguid,
    aaguidAttested: facts.attested,
    deviceBound: facts.deviceBound,
    backedUp: facts.backedUp,
    // Every step-up requires user verification (docs/security.md, row 4).
    userVerified: true,
  };
}
