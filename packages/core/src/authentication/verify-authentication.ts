import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { AppRecord } from '../apps/app-port.ts';
import { ceremonyOrigins } from '../apps/ceremony-origins.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { CeremonyFacts } from '../ceremonies/ceremony-audit.ts';
import type { CeremonyRecord } from '../ceremonies/ceremony-port.ts';
import { checkAuthenticatorData } from '../ceremonies/check-authenticator-data.ts';
import { checkClientData } from '../ceremonies/check-client-data.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { type FailureReason, LatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import { isCounterRegression } from './counter.ts';
import { verifyAssertion } from './verify-assertion.ts';

/** Options for {@link verifyAuthentication}. */
export interface VerifyAuthenticationOptions {
  app: AppRecord;
  /** The ceremony, already burnt by `burnCeremony`. */
  ceremony: CeremonyRecord;
  response: AuthenticationResponseJSON;
  /** Told of the user and credential as soon as they are known, for the failure's audit event. */
  note?: (facts: CeremonyFacts) => void;
  /**
   * The credential the response names, when it was read with the burn
   * (`burnCeremonyForAssertion`); null when the app has none. Looked up here when absent.
   */
  credential?: CredentialRecord | null;
  /** Whether to read the ids of the credentials the user holds, with the sign-in's writes. */
  listCredentials?: boolean;
}

/** A verified use of a credential. */
export interface VerifiedAuthentication {
  /** The user, with the sign-in recorded. */
  user: UserRecord;
  /** The credential as it was before this use was stored. */
  credential: CredentialRecord;
  userVerified: boolean;
  /** The ids of the credentials the user holds, this one included (with `listCredentials`). */
  credentialIds: string[];
}

function reject(reason: FailureReason, message: string): never {
  throw new LatchkeyError('authentication_rejected', message, { reason });
}

/**
 * Verifies an assertion against a burnt ceremony (WebAuthn L3 §7.2), whatever product issued it:
 * finds the credential by its id (never by the user handle, which clients send in several forms),
 * checks it belongs to the ceremony's user, verifies client data, flags and signature, applies the
 * counter policy, stores the new counter and records the sign-in. What follows (a nonce, an
 * action's state) is the caller's.
 *
 * @example
 * const { user, credential } = await verifyAuthentication(runtime, { app, ceremony, response });
 */
export async function verifyAuthentication(
  runtime: Runtime,
  options: VerifyAuthenticationOptions,
  context?: RequestContext,
): Promise<VerifiedAuthentication> {
  const { app, ceremony, response } = options;
  const note = options.note ?? (() => undefined);
  if (ceremony.userId) note({ userId: ceremony.userId });
  if (response.id !== response.rawId) {
    return reject('credential_id_mismatch', 'credential id and raw id differ');
  }
  const credential =
    options.credential !== undefined
      ? options.credential
      : await runtime.store.credentials.findByCredentialId(app.id, response.id);
  if (!credential) {
    if (ceremony.userId) return reject('credential_unknown', 'credential is not registered');
    throw new LatchkeyError('credential_unknown', 'credential is not registered', {
      reason: 'credential_unknown',
    });
  }
  note({ credentialId: credential.id, userId: credential.userId });
  // Security row 6: a ceremony bound to a user accepts only that user's credentials.
  if (ceremony.userId && credential.userId !== ceremony.userId) {
    return reject('credential_not_allowed', 'credential does not belong to this user');
  }

  checkClientData({
    clientDataJSON: response.response.clientDataJSON,
    expectedType: 'webauthn.get',
    challenge: ceremony.challenge,
    origins: ceremonyOrigins(app),
    allowCrossOrigin: app.policy.allowCrossOrigin,
    errorCode: 'authentication_rejected',
  });
  let authData: Uint8Array<ArrayBuffer>;
  try {
    authData = isoBase64URL.toBuffer(response.response.authenticatorData);
  } catch {
    return reject('malformed_response', 'authenticatorData is not base64url');
  }
  const parsed = checkAuthenticatorData({
    authData,
    rpId: app.rpId,
    userVerificationRequired: ceremony.userVerificationRequired,
    errorCode: 'authentication_rejected',
  });
  // §6.1.3: backup eligibility is fixed when the credential is made; a change means another key.
  if (parsed.flags.be !== credential.backupEligible) {
    return reject('backup_eligibility_changed', 'backup eligibility changed since registration');
  }

  let verified = false;
  try {
    verified = await verifyAssertion({
      response,
      challenge: ceremony.challenge,
      origins: ceremonyOrigins(app),
      rpId: app.rpId,
      publicKey: credential.publicKey,
      requireUserVerification: ceremony.userVerificationRequired,
    });
  } catch (cause) {
    throw new LatchkeyError('authentication_rejected', 'assertion does not verify', {
      reason: 'signature_invalid',
      cause,
    });
  }
  // A signature that verifies only in a non-canonical DER encoding is refused here too.
  if (!verified) return reject('signature_invalid', 'signature does not verify');

  const now = runtime.now();
  const regression = isCounterRegression(credential.counter, parsed.counter);
  // Synced passkeys' counters are not reliable across devices, so their regressions are only
  // flagged; a device-bound credential's regression suggests a clone and follows the policy.
  const refusesClones = !credential.backupEligible && app.policy.counterPolicy === 'refuse';
  if (regression && refusesClones) {
    return reject('counter_regression', 'signature counter did not increase');
  }
  // The use, the login and (if asked) the user's credential ids in one store call.
  const signIn = await runtime.store.credentials.recordSignIn({
    appId: app.id,
    id: credential.id,
    userId: credential.userId,
    use: {
      counter: regression ? credential.counter : parsed.counter,
      backupState: parsed.flags.bs,
      at: now,
      enforceIncrease: !regression && parsed.counter > 0,
    },
    // A concurrent assertion with the same or a higher counter got there first: the same clone
    // signal, refused where clones are, and then no login.
    loginOnlyIfCounted: refusesClones,
    listCredentials: options.listCredentials ?? false,
  });
  if (!signIn.counted && refusesClones) {
    return reject('counter_regression', 'signature counter did not increase');
  }
  if (regression || !signIn.counted) {
    await recordEvent(runtime, context, {
      type: 'credential.counter_flagged',
      appId: app.id,
      userId: credential.userId,
      credentialId: credential.id,
      data: { stored: credential.counter, received: parsed.counter },
    });
  }
  if (!signIn.user) return reject('credential_unknown', 'credential user no longer exists');
  return {
    user: signIn.user,
    credential,
    userVerified: parsed.flags.uv,
    credentialIds: signIn.credentialIds,
  };
}
