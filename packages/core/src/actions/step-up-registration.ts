import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { effectiveHints } from '../apps/effective-hints.ts';
import { getApp } from '../apps/get-app.ts';
import { ALGORITHMS, type Hint } from '../apps/policy.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { burnCeremony } from '../ceremonies/burn-ceremony.ts';
import { auditFailures, recordCeremonySucceeded } from '../ceremonies/ceremony-audit.ts';
import { issueCeremony } from '../ceremonies/issue-ceremony.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { LatchkeyError } from '../errors.ts';
import { verifyRegistration } from '../registration/verify-registration.ts';
import type { Runtime } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import type { ActionRecord } from './action-port.ts';
import { stepUpChallenge } from './attributes-binding.ts';
import { changeActionState } from './change-action-state.ts';
import { actionBinding, assertCeremonyAllowed, recordStepUpFailure } from './step-up-ceremony.ts';
import { hasScope, issueToken, type ResolvedToken, resolveToken } from './step-up-tokens.ts';

/**
 * Security row 12: a user's first passkey needs only a token from the app's backend; any further
 * one needs a token with the `add:authenticators` scope, which the backend issues only where the
 * user proved who they are, so that a token leaked from an unauthenticated page cannot add an
 * attacker's passkey to someone else's account.
 */
async function assertMayEnroll(runtime: Runtime, resolved: ResolvedToken): Promise<number> {
  const count = await runtime.store.credentials.countByUser(
    resolved.action.appId,
    resolved.action.userId,
  );
  if (count > 0 && !hasScope(resolved.token, 'add:authenticators')) {
    throw new LatchkeyError(
      'token_scope_missing',
      'adding another passkey needs a token with the add:authenticators scope',
    );
  }
  return count;
}

/**
 * Starts a passkey enrollment with a step-up token (the browser SDK's `passkey.signUp`): a
 * challenge bound to the token's action and user, with the user's passkeys excluded.
 *
 * @example
 * const { challengeId, options } = await startStepUpRegistration(runtime, { token, username: 'ada' });
 */
export async function startStepUpRegistration(
  runtime: Runtime,
  options: {
    token: string;
    username?: string | null;
    displayName?: string | null;
    authenticatorAttachment?: string | null;
    /** Hints for this ceremony instead of the app's. Advice only. */
    hints?: readonly Hint[];
  },
  context?: RequestContext,
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const resolved = await resolveToken(runtime, { token: options.token }, context);
  const { action } = resolved;
  assertCeremonyAllowed(action);
  await assertMayEnroll(runtime, resolved);
  const app = await getApp(runtime, action.appId);
  const user = await runtime.store.users.findById(app.id, action.userId);
  if (!user) throw new LatchkeyError('invalid_token', 'the token is invalid');
  const existing = await runtime.store.credentials.listByUser(app.id, user.id);
  const { policy } = app;
  const challenge = stepUpChallenge(runtime.randomBytes(32), action.attributesHash);
  const name = options.username || user.displayName;
  const attachment =
    options.authenticatorAttachment === 'platform' ||
    options.authenticatorAttachment === 'cross-platform'
      ? {
          authenticatorAttachment: options.authenticatorAttachment as 'platform' | 'cross-platform',
        }
      : {};
  const creationOptions: PublicKeyCredentialCreationOptionsJSON = {
    challenge,
    rp: { name: app.name, id: app.rpId },
    user: { id: user.webauthnUserId, name, displayName: options.displayName || name },
    pubKeyCredParams: policy.algorithms.map((alg) => ({
      type: 'public-key',
      alg: ALGORITHMS[alg],
    })),
    timeout: policy.ceremonyTtlSeconds * 1000,
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, type: 'public-key' })),
    authenticatorSelection: {
      residentKey: policy.residentKey,
      requireResidentKey: policy.residentKey === 'required',
      userVerification: 'required',
      ...attachment,
    },
    attestation: policy.attestation,
    ...effectiveHints(policy, options.hints),
    extensions: { credProps: true },
  };
  const ceremony = await issueCeremony(
    runtime,
    {
      app,
      kind: 'register',
      challenge,
      userId: user.id,
      binding: actionBinding(action),
      // Security row 4: user verification is always required for step-up.
      userVerificationRequired: true,
    },
    context,
  );
  return { challengeId: ceremony.id, options: creationOptions };
}

/**
 * Finishes a passkey enrollment with a step-up token: burns the challenge, which must be bound to
 * the token's action, verifies the attestation and stores the passkey like every registration
 * ({@link verifyRegistration}, with user verification required); the outcome: the action moves to
 * CHALLENGE_SUCCEEDED and a new token is issued for it.
 *
 * @example
 * const { token, credential } = await finishStepUpRegistration(runtime, { token, challengeId, response });
 */
export async function finishStepUpRegistration(
  runtime: Runtime,
  options: { token: string; challengeId: string; response: RegistrationResponseJSON },
  context?: RequestContext,
): Promise<{
  token: string;
  credential: CredentialRecord;
  user: UserRecord;
  action: ActionRecord;
}> {
  const resolved = await resolveToken(runtime, { token: options.token }, context);
  let { action } = resolved;
  const facts = { appId: action.appId, kind: 'register' as const, ceremonyId: options.challengeId };
  try {
    return await auditFailures(
      runtime,
      context,
      { ...facts, binding: actionBinding(action) },
      async (note) => {
        const app = await getApp(runtime, action.appId);
        const ceremony = await burnCeremony(runtime, {
          appId: app.id,
          ceremonyId: options.challengeId,
          kind: 'register',
          expected: { type: 'action', actionId: action.id },
        });
        note({ binding: ceremony.binding });
        assertCeremonyAllowed(action);
        await assertMayEnroll(runtime, resolved);
        const { user, credential } = await verifyRegistration(
          runtime,
          { app, ceremony, response: options.response, note },
          context,
        );
        action = await changeActionState(
          runtime,
          {
            action,
            to: 'CHALLENGE_SUCCEEDED',
            credentialId: credential.id,
            reason: 'passkey enrolled',
          },
          context,
        );
        await recordCeremonySucceeded(runtime, context, {
          ...facts,
          binding: ceremony.binding,
          userId: user.id,
          credentialId: credential.id,
        });
        await recordEvent(runtime, context, {
          type: 'step_up.succeeded',
          appId: action.appId,
          userId: user.id,
          credentialId: credential.id,
          data: { kind: 'register', actionId: action.id, actionCode: action.actionCode },
        });
        // The ceremony enforced UV where the policy required it; otherwise it is not claimed.
        const token = await issueToken(runtime, {
          action,
          userVerified: ceremony.userVerificationRequired,
        });
        return { token, credential, user, action };
      },
    );
  } catch (error) {
    await recordStepUpFailure(
      runtime,
      { appId: action.appId, action, kind: 'register', error },
      context,
    );
    throw error;
  }
}
