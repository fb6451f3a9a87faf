import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { AppRecord } from '../apps/app-port.ts';
import { effectiveHints } from '../apps/effective-hints.ts';
import { getApp } from '../apps/get-app.ts';
import type { Hint } from '../apps/policy.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { verifyAuthentication } from '../authentication/verify-authentication.ts';
import { meetsRequirement } from '../authenticators/passkey-requirement.ts';
import { burnCeremonyForAssertion } from '../ceremonies/burn-ceremony.ts';
import { auditFailures, recordCeremonySucceeded } from '../ceremonies/ceremony-audit.ts';
import type { CeremonyBinding } from '../ceremonies/ceremony-port.ts';
import { issueCeremony } from '../ceremonies/issue-ceremony.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { LatchkeyError } from '../errors.ts';
import { type Runtime, toBase64Url } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import { assertActionCode } from './action-config.ts';
import type { ActionRecord } from './action-port.ts';
import { SIGN_IN_ACTION_CODE } from './action-states.ts';
import { attributesHash, challengeCommitsTo, stepUpChallenge } from './attributes-binding.ts';
import { changeActionState } from './change-action-state.ts';
import { recordSignIn } from './record-sign-in.ts';
import { actionBinding, assertCeremonyAllowed, recordStepUpFailure } from './step-up-ceremony.ts';
import { issueToken, type ResolvedToken, resolveToken } from './step-up-tokens.ts';

type Transport = NonNullable<
  NonNullable<PublicKeyCredentialRequestOptionsJSON['allowCredentials']>[number]['transports']
>[number];

function requestOptions(
  app: AppRecord,
  challenge: string,
  credentials: CredentialRecord[] | null,
  hints: readonly Hint[] | undefined,
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
    ...effectiveHints(app.policy, hints),
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
  const ceremony = await issueCeremony(
    runtime,
    {
      app: options.app,
      kind: 'authenticate',
      challenge: toBase64Url(runtime.randomBytes(32)),
      userId: null,
      binding: { type: 'action', actionId: null, actionCode, attributesHash: null },
      // Security row 4: user verification is always required for the actions surface.
      userVerificationRequired: true,
    },
    context,
  );
  return { challengeId: ceremony.id, challenge: ceremony.challenge };
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
  options: ({ token: string } | { app: AppRecord; challengeId?: string | null }) & {
    /** Hints for this ceremony instead of the app's. Advice only. */
    hints?: readonly Hint[];
  },
  context?: RequestContext,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const { hints } = options;
  if (!('token' in options)) {
    const { app } = options;
    if (options.challengeId) {
      const pending = await runtime.store.ceremonies.findUnconsumed(app.id, options.challengeId);
      const signIn = pending?.binding.type === 'action' && pending.binding.actionId === null;
      if (pending?.kind !== 'authenticate' || !signIn) {
        throw new LatchkeyError(
          'ceremony_invalid',
          'challenge is unknown, expired or already used',
          { reason: 'ceremony_unknown' },
        );
      }
      return {
        challengeId: pending.id,
        options: requestOptions(app, pending.challenge, null, hints),
      };
    }
    const created = await createSignInChallenge(runtime, { app }, context);
    return {
      challengeId: created.challengeId,
      options: requestOptions(app, created.challenge, null, hints),
    };
  }
  const { action } = await resolveToken(runtime, { token: options.token }, context);
  assertCeremonyAllowed(action);
  const app = await getApp(runtime, action.appId);
  const held = await runtime.store.credentials.listByUser(app.id, action.userId);
  if (held.length === 0) {
    throw new LatchkeyError('user_has_no_passkeys', 'the user has no passkeys yet: enroll one');
  }
  // Only the passkeys that meet the action's requirement are offered; the finish checks it again.
  const credentials = held.filter((c) => meetsRequirement(c, action.passkeyRequirement ?? null));
  if (credentials.length === 0) {
    throw new LatchkeyError(
      'user_has_no_passkeys',
      'the user has no passkey that meets this action’s requirement: enroll one',
    );
  }
  const ceremony = await issueCeremony(
    runtime,
    {
      app,
      kind: 'authenticate',
      challenge: stepUpChallenge(runtime.randomBytes(32), action.attributesHash),
      userId: action.userId,
      binding: actionBinding(action),
      userVerificationRequired: true,
    },
    context,
  );
  return {
    challengeId: ceremony.id,
    options: requestOptions(app, ceremony.challenge, credentials, hints),
  };
}

/** What a verified step-up or passkey sign-in gives. */
export interface StepUpVerified {
  token: string;
  action: ActionRecord;
  user: UserRecord;
  credential: CredentialRecord;
}

/**
 * Verifies the browser's assertion (the browser SDK's `signIn` step 3). Burns the challenge, which
 * must be bound to the token's own action (or, without a token, to a sign-in to come); for a
 * step-up, checks that the action still awaits its challenge and that its attributes are still
 * those the challenge commits to; verifies the assertion like every sign-in
 * ({@link verifyAuthentication}), with user verification required and only the action user's
 * passkeys accepted. The outcome: the action moves to CHALLENGE_SUCCEEDED (or the sign-in is
 * recorded as a new action) and a token is issued for it.
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
  const claimed: CeremonyBinding = action
    ? actionBinding(action)
    : { type: 'action', actionId: null, actionCode: SIGN_IN_ACTION_CODE, attributesHash: null };
  const facts = { appId, kind: 'authenticate' as const, ceremonyId: options.challengeId };
  try {
    return await auditFailures(runtime, context, { ...facts, binding: claimed }, async (note) => {
      const app = await getApp(runtime, appId);
      const { ceremony, credential: named } = await burnCeremonyForAssertion(runtime, {
        appId,
        ceremonyId: options.challengeId,
        kind: 'authenticate',
        expected: { type: 'action', actionId: action?.id ?? null },
        credentialId: options.response.id,
      });
      note({ binding: ceremony.binding });
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
      const { user, credential, userVerified } = await verifyAuthentication(
        runtime,
        { app, ceremony, response: options.response, note, credential: named },
        context,
      );
      // The options offered only passkeys that meet the requirement; a client may answer with
      // another of the user's passkeys all the same.
      if (action && !meetsRequirement(credential, action.passkeyRequirement ?? null)) {
        throw new LatchkeyError(
          'authentication_rejected',
          'this passkey does not meet the action’s passkey requirement',
          { reason: 'passkey_requirement_unmet' },
        );
      }
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
        const actionCode =
          ceremony.binding.type === 'action' ? ceremony.binding.actionCode : SIGN_IN_ACTION_CODE;
        action = await recordSignIn(runtime, { appId, user, credential, actionCode }, context);
      }
      await recordCeremonySucceeded(runtime, context, {
        ...facts,
        binding: ceremony.binding,
        userId: user.id,
        credentialId: credential.id,
        userVerified,
      });
      await recordEvent(runtime, context, {
        type: 'step_up.succeeded',
        appId,
        userId: user.id,
        credentialId: credential.id,
        data: { kind: 'authenticate', actionId: action.id, actionCode: action.actionCode },
      });
      const token = await issueToken(runtime, { action, userVerified });
      return { token, action, user, credential };
    });
  } catch (error) {
    await recordStepUpFailure(runtime, { appId, action, kind: 'authenticate', error }, context);
    throw error;
  }
}
