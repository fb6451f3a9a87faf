import canonicalize from 'canonicalize';
import { getApp } from '../apps/get-app.ts';
import { DEFAULT_POLICY } from '../apps/policy.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import {
  combineRequirements,
  parsePasskeyRequirement,
} from '../authenticators/passkey-requirement.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, type Runtime, sha256Hex, toBase64Url } from '../runtime.ts';
import { assertExternalId } from '../users/external-id.ts';
import type { UserRecord } from '../users/user-port.ts';
import { assertActionCode } from './action-config.ts';
import { DEFAULT_ACTION_CONFIG } from './action-configs.ts';
import type { ActionRecord } from './action-port.ts';
import { OUTCOME_STATES, TOKEN_SCOPES, type TokenScope } from './action-states.ts';
import { attributesHash } from './attributes-binding.ts';
import { evaluateRules } from './evaluate-rules.ts';
import { buildRuleContext } from './rule-context.ts';
import { issueToken } from './step-up-tokens.ts';

/**
 * The attributes `track` reads; any others are kept with the action and otherwise ignored. Their
 * shape (texts of at most 1024 characters, at most 50 custom values of a string, a finite number or
 * a boolean) is the surface's schema to enforce; `null` means absent.
 */
export interface TrackAttributes {
  idempotencyKey?: string | null;
  redirectUrl?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
  deviceId?: string | null;
  scope?: string | null;
  email?: string | null;
  phoneNumber?: string | null;
  username?: string | null;
  custom?: Record<string, string | number | boolean> | null;
  /** Adds to the action code's passkey requirement for this action only (never loosens it). */
  passkeyRequirement?: unknown;
  [other: string]: unknown;
}

/** Options for {@link trackAction}. */
export interface TrackActionOptions {
  appId: string;
  /** The app's own id for the user (the SDKs' `userId`). */
  externalId: string;
  actionCode: string;
  attributes: TrackAttributes;
}

/** What {@link trackAction} returns. */
export interface TrackedAction {
  action: ActionRecord;
  user: UserRecord;
  token: string;
  isEnrolled: boolean;
  /** False when an earlier track with the same idempotency key made the action. */
  created: boolean;
}

/** The scopes a track asks its token to carry: only those latchkey knows. */
function parseScopes(scope: string | null | undefined): TokenScope[] {
  if (!scope) return [];
  const scopes = scope.split(/\s+/).filter((s) => s !== '');
  for (const s of scopes) {
    if (!(TOKEN_SCOPES as readonly string[]).includes(s)) {
      throw new LatchkeyError('invalid_request', `unknown scope ${JSON.stringify(s)}`);
    }
  }
  return scopes as TokenScope[];
}

/**
 * Tracks an action for one of the app's users: creates the user on first sight, evaluates the
 * action code's rules against the attributes and what latchkey knows about the user, stores the
 * action in the state the rules decided, and issues a token bound to it. Idempotent on
 * `idempotencyKey`: the same key with the same attributes returns the same action (with a fresh
 * token); with other attributes it is refused.
 *
 * @example
 * const { action, token } = await trackAction(runtime, { appId, externalId: 'u1',
 *   actionCode: 'high-value-transfer', attributes: { custom: { amount: 7500 } } });
 */
export async function trackAction(
  runtime: Runtime,
  options: TrackActionOptions,
  context?: RequestContext,
): Promise<TrackedAction> {
  const app = await getApp(runtime, options.appId);
  const actionCode = assertActionCode(options.actionCode);
  const { externalId, attributes } = options;
  assertExternalId(externalId, 'userId');
  const idempotencyKey = attributes.idempotencyKey ?? toBase64Url(runtime.randomBytes(16));
  if (idempotencyKey.length === 0 || idempotencyKey.length > 200) {
    throw new LatchkeyError('invalid_request', 'idempotencyKey must be 1 to 200 characters');
  }
  const custom = attributes.custom ?? {};
  const scopes = parseScopes(attributes.scope);
  const trackedRequirement = parsePasskeyRequirement(
    attributes.passkeyRequirement,
    'passkeyRequirement',
  );
  const ipAddress = attributes.ipAddress ?? null;
  const userAgent = attributes.userAgent ?? null;
  const deviceId = attributes.deviceId ?? null;
  const username = attributes.username ?? null;
  const email = attributes.email ?? null;
  const requestHash = sha256Hex(canonicalize(attributes) ?? '{}');

  const now = runtime.now();
  const candidateId = newId(runtime);
  const user = await runtime.store.users.upsertByExternalId({
    id: candidateId,
    appId: app.id,
    externalId,
    displayName: username ?? email ?? externalId,
    // WebAuthn L3 §14.6.1: a random handle, never derived from the external id.
    webauthnUserId: toBase64Url(runtime.randomBytes(32)),
    status: 'active',
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
    loginCount: 0,
  });

  const replay = async (existing: ActionRecord): Promise<TrackedAction> => {
    if (existing.requestHash !== requestHash) {
      throw new LatchkeyError(
        'idempotency_key_reused',
        'this idempotency key was already used for an action with other attributes',
      );
    }
    const count = await runtime.store.credentials.countByUser(app.id, user.id);
    const token = await issueToken(runtime, { action: existing, scopes });
    return { action: existing, user, token, isEnrolled: count > 0, created: false };
  };

  const earlier = await runtime.store.actions.findByKey(
    app.id,
    user.id,
    actionCode,
    idempotencyKey,
  );
  if (earlier) return replay(earlier);

  const ruleContext = await buildRuleContext(runtime, {
    app,
    user,
    isNewUser: user.id === candidateId,
    actionCode,
    attributes: { custom, ipAddress, userAgent, deviceId, username, email },
    phoneNumber: attributes.phoneNumber ?? null,
  });
  const stored = await runtime.store.actionConfigs.find(app.id, actionCode);
  const decision = evaluateRules(
    stored ?? DEFAULT_ACTION_CONFIG,
    ruleContext,
    // Stored policies from before onRuleError existed have none: they get the default.
    app.policy.onRuleError ?? DEFAULT_POLICY.onRuleError,
  );
  const state = OUTCOME_STATES[decision.outcome];
  const fired = decision.fired.map((r) => ({
    ruleId: r.ruleId,
    name: r.name,
    description: r.description,
  }));
  const { action, created } = await runtime.store.actions.insertOrGet({
    id: newId(runtime),
    appId: app.id,
    userId: user.id,
    actionCode,
    idempotencyKey,
    state,
    attributes,
    custom,
    attributesHash: Object.keys(custom).length > 0 ? attributesHash(custom) : null,
    requestHash,
    rules: fired,
    ipAddress,
    userAgent,
    deviceId,
    verifiedByCredentialId: null,
    createdAt: now,
    updatedAt: now,
    stateUpdatedAt: now,
    validatedAt: null,
    passkeyRequirement: combineRequirements(stored?.passkeyRequirement ?? null, trackedRequirement),
  });
  // A concurrent track with the same key got there first: answer as its replay.
  if (!created) return replay(action);

  const ruleIds = fired.map((r) => r.ruleId);
  await runtime.store.actions.appendChange({
    id: newId(runtime),
    appId: app.id,
    actionId: action.id,
    fromState: null,
    toState: state,
    at: now,
    ruleIds,
    credentialId: null,
    reason: decision.ruleErrorApplied
      ? `rules v${stored?.version}: a rule could not be evaluated`
      : stored
        ? `rules v${stored.version}`
        : 'no rules configured',
  });
  for (const rule of fired) {
    await recordEvent(runtime, context, {
      type: 'action.rule_fired',
      appId: app.id,
      userId: user.id,
      data: { actionId: action.id, actionCode, ruleId: rule.ruleId, name: rule.name },
    });
  }
  for (const failure of decision.failed) {
    await recordEvent(runtime, context, {
      type: 'action.rule_failed',
      appId: app.id,
      userId: user.id,
      reason: failure.bound ? 'rule_bound_exceeded' : 'rule_evaluation_failed',
      data: {
        actionId: action.id,
        actionCode,
        ruleId: failure.ruleId,
        name: failure.name,
        message: failure.message,
        configVersion: stored?.version ?? null,
      },
    });
  }
  await recordEvent(runtime, context, {
    type: 'action.tracked',
    appId: app.id,
    userId: user.id,
    ...(decision.failed.length ? { reason: 'rule_evaluation_failed' } : {}),
    data: {
      actionId: action.id,
      actionCode,
      idempotencyKey,
      state,
      ruleIds,
      configVersion: stored?.version ?? null,
      ...(decision.failed.length
        ? { failedRules: decision.failed, ruleErrorApplied: decision.ruleErrorApplied }
        : {}),
    },
  });
  const token = await issueToken(runtime, { action, scopes });
  return {
    action,
    user,
    token,
    isEnrolled: ruleContext.passkeyCount > 0,
    created: true,
  };
}
