import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { finishAuthentication } from '../authentication/finish-authentication.ts';
import { LatchkeyError } from '../errors.ts';
import type { ActionRecord, AppRecord, CredentialRecord, UserRecord } from '../ports.ts';
import { newId, type Runtime, toBase64Url } from '../runtime.ts';
import { assertActionCode } from './action-config.ts';
import { SIGN_IN_ACTION_CODE } from './action-states.ts';
import { attributesHash, challengeCommitsTo, stepUpChallenge } from './attributes-binding.ts';
import { changeActionState } from './change-action-state.ts';
import {
  assertCeremonyAllowed,
  burnStepUpCeremony,
  insertVerificationCeremony,
  recordStepUpFailure,
  stepUpExpiry,
} from './step-up-ceremony.ts';
import { issueToken, type ResolvedToken, resolveToken } from './step-up-tokens.ts';

type Transport = NonNullable<
  NonNullable<PublicKeyCredentialRequestOptionsJSON['allowCredentials']>[number]['transports']
>[number];

function requestOptions(
  app: AppRecord,
  challenge: string,
  credentials: CredentialRecord[] | null,
): PublicKeyCredentialRequestOptionsJSON {
  return {
    challenge,
    timeout: app.policy.ceremonyTtlSeconds * 1000,
    rpId: app.rpId,
    // Security row 4: step-up always asks for, and always requires, user verification.
    userVerification: 'required',
    ...(credentials
      ? {
          allowCredentials: credentials.map((c) => ({
            id: c.credentialId,
            type: 'public-key' as const,
            ...(c.transports.length ? { transports: c.transports as Transport[] } : {}),
          })),
        }
      : {}),
  };
}

/**
 * The browser SDK's `signIn({action})` step 1: a challenge for a passkey sign-in that no tracked
 * action asked for. The credential will decide who the user is; the action is recorded on success.
 *
 * @example
 * const { challengeId } = await createSignInChallenge(runtime, { app, actionCode: 'signInWithPasskey' });
 */
export async function createSignInChallenge(
  runtime: Runtime,
  options: { app: AppRecord; actionCode?: string | null },
  context?: RequestContext,
): Promise<{ challengeId: string; challenge: string }> {
  const actionCode = assertActionCode(options.actionCode || SIGN_IN_ACTION_CODE);
  const challenge = toBase64Url(runtime.randomBytes(32));
  const challengeId = newId(runtime);
  await runtime.store.stepUpCeremonies.insert({
    id: challengeId,
    appId: options.app.id,
    kind: 'authenticate',
    actionId: null,
    actionCode,
    userId: null,
    challenge,
    expiresAt: stepUpExpiry(runtime, options.app.policy.ceremonyTtlSeconds),
    consumedAt: null,
    createdAt: runtime.now(),
  });
  await recordEvent(runtime, context, {
    type: 'step_up.started',
    appId: options.app.id,
    data: { kind: 'authenticate', challengeId, actionCode, discoverable: true },
  });
  return { challengeId, challenge };
}

/**
 * Authentication options for the browser SDK's `signIn`. With a token (step-up): a challenge bound
 * to the token's action that commits to its attributes, and `allowCredentials` limited to the
 * action's user. Without one (a passkey sign-in): the challenge made by {@link createSignInChallenge},
 * or a new one.
 *
 * @example
 * const { challengeId, options } = await startStepUpAuthentication(runtime, { token });
 */
export async function startStepUpAuthentication(
  runtime: Runtime,
  options: { token: string } | { app: AppRecord; challengeId?: string | null },
  context?: RequestContext,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  if (!('token' in options)) {
    const { app } = options;
    if (options.challengeId) {
      const pending = await runtime.store.stepUpCeremonies.findUnconsumed(
        app.id,
        options.challengeId,
      );
      if (pending?.kind !== 'authenticate' || pending.actionId !== null) {
        throw new LatchkeyError(
          'ceremony_invalid',
          'challenge is unknown, expired or already used',
          {
            reason: 'ceremony_unknown',
          },
        );
      }
      return { challengeId: pending.id, options: requestOptions(app, pending.challenge, null) };
    }
    const created = await createSignInChallenge(runtime, { app }, context);
    return {
      challengeId: created.challengeId,
      options: requestOptions(app, created.challenge, null),
    };
  }
  const { action } = await resolveToken(runtime, { token: options.token }, context);
  assertCeremonyAllowed(action);
  const app = await getApp(runtime, action.appId);
  const credentials = await runtime.store.credentials.listByUser(app.id, action.userId);
  if (credentials.length === 0) {
    throw new LatchkeyError('user_has_no_passkeys', 'the user has no passkeys yet: enroll one');
  }
  const challenge = stepUpChallenge(runtime.randomBytes(32), action.attributesHash);
  const challengeId = newId(runtime);
  await runtime.store.stepUpCeremonies.insert({
    id: challengeId,
    appId: app.id,
    kind: 'authenticate',
    actionId: action.id,
    actionCode: action.actionCode,
    userId: action.userId,
    challenge,
    expiresAt: stepUpExpiry(runtime, app.policy.ceremonyTtlSeconds),
    consumedAt: null,
    createdAt: runtime.now(),
  });
  await recordEvent(runtime, context, {
    type: 'step_up.started',
    appId: app.id,
    userId: action.userId,
    data: { kind: 'authenticate', challengeId, actionId: action.id, actionCode: action.actionCode },
  });
  return { challengeId, options: requestOptions(app, challenge, credentials) };
}

/** What a verified step-up or passkey sign-in gives. */
export interface StepUpVerified {
  token: string;
  action: ActionRecord;
  user: UserRecord;
  credential: CredentialRecord;
}

/**
 * Verifies the browser's assertion (the browser SDK's `signIn` step 3). Burns the challenge; for a
 * step-up, checks that the request carries a token of the challenge's own action, that the action
 * still awaits its challenge and that its attributes are still those the challenge commits to;
 * verifies the assertion like every sign-in, with user verification required and only the action
 * user's passkeys accepted; then moves the action to CHALLENGE_SUCCEEDED (or records the sign-in
 * as a new action) and issues a token for it.
 *
 * @example
 * const { token } = await finishStepUpAuthentication(runtime, { token, challengeId, response });
 */
export async function finishStepUpAuthentication(
  runtime: Runtime,
  options: { challengeId: string; response: AuthenticationResponseJSON } & (
    | { token: string }
    | { app: AppRecord }
  ),
  context?: RequestContext,
): Promise<StepUpVerified> {
  const resolved: ResolvedToken | null =
    'token' in options ? await resolveToken(runtime, { token: options.token }, context) : null;
  const appId = resolved ? resolved.action.appId : (options as { app: AppRecord }).app.id;
  let action: ActionRecord | null = resolved?.action ?? null;
  try {
    const ceremony = await burnStepUpCeremony(runtime, {
      appId,
      ceremonyId: options.challengeId,
      kind: 'authenticate',
    });
    // Security row 10: a step-up challenge answers for its own action only, and only with its token.
    if ((ceremony.actionId ?? null) !== (action?.id ?? null)) {
      throw new LatchkeyError('ceremony_invalid', 'the challenge belongs to another action', {
        reason: 'action_mismatch',
      });
    }
    if (action) {
      assertCeremonyAllowed(action);
      const hash = Object.keys(action.custom).length > 0 ? attributesHash(action.custom) : null;
      if (!challengeCommitsTo(ceremony.challenge, hash)) {
        throw new LatchkeyError(
          'authentication_rejected',
          "the action's attributes changed after the challenge was issued",
          { reason: 'attributes_changed' },
        );
      }
    }
    const ceremonyId = await insertVerificationCeremony(runtime, {
      appId,
      kind: 'authenticate',
      challenge: ceremony.challenge,
      userId: action?.userId ?? null,
    });
    const { user, credential } = await finishAuthentication(
      runtime,
      { appId, ceremonyId, transactionId: null, response: options.response },
      context,
    );
    if (action) {
      action = await changeActionState(
        runtime,
        {
          action,
          to: 'CHALLENGE_SUCCEEDED',
          credentialId: credential.id,
          reason: 'passkey verified',
        },
        context,
      );
    } else {
      action = await recordSignIn(
        runtime,
        { appId, user, credential, actionCode: ceremony.actionCode },
        context,
      );
    }
    await recordEvent(runtime, context, {
      type: 'step_up.succeeded',
      appId,
      userId: user.id,
      credentialId: credential.id,
      data: { kind: 'authenticate', actionId: action.id, actionCode: action.actionCode },
    });
    const token = await issueToken(runtime, { action });
    return { token, action, user, credential };
  } catch (error) {
    await recordStepUpFailure(runtime, { appId, action, kind: 'authenticate', error }, context);
    throw error;
  }
}

/** A passkey sign-in becomes an action of its user, already CHALLENGE_SUCCEEDED. */
async function recordSignIn(
  runtime: Runtime,
  options: { appId: string; user: UserRecord; credential: CredentialRecord; actionCode: string },
  context?: RequestContext,
): Promise<ActionRecord> {
  const now = runtime.now();
  const idempotencyKey = toBase64Url(runtime.randomBytes(16));
  const { action } = await runtime.store.actions.insertOrGet({
    id: newId(runtime),
    appId: options.appId,
    userId: options.user.id,
    actionCode: options.actionCode,
    idempotencyKey,
    state: 'CHALLENGE_SUCCEEDED',
    attributes: {},
    custom: {},
    attributesHash: null,
    requestHash: '',
    rules: [],
    ipAddress: context?.ip ?? null,
    userAgent: context?.userAgent ?? null,
    deviceId: null,
    verifiedByCredentialId: options.credential.id,
    createdAt: now,
    updatedAt: now,
    stateUpdatedAt: now,
    validatedAt: null,
  });
  await runtime.store.actions.appendChange({
    id: newId(runtime),
    appId: options.appId,
    actionId: action.id,
    fromState: null,
    toState: 'CHALLENGE_SUCCEEDED',
    at: now,
    ruleIds: [],
    credentialId: options.credential.id,
    reason: 'passkey sign-in',
  });
  await recordEvent(runtime, context, {
    type: 'action.tracked',
    appId: options.appId,
    userId: options.user.id,
    credentialId: options.credential.id,
    data: {
      actionId: action.id,
      actionCode: action.actionCode,
      idempotencyKey,
      state: action.state,
      ruleIds: [],
    },
  });
  return action;
}
