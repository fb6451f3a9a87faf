import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { burnCeremony } from '../ceremonies/burn-ceremony.ts';
import { checkAuthenticatorData } from '../ceremonies/check-authenticator-data.ts';
import { checkClientData } from '../ceremonies/check-client-data.ts';
import { auditFailures } from '../ceremonies/record-failure.ts';
import { type FailureReason, LatchkeyError } from '../errors.ts';
import { mintNonce } from '../nonces/nonces.ts';
import type { CredentialRecord, UserRecord } from '../ports.ts';
import type { Runtime } from '../runtime.ts';
import { isCounterRegression } from './counter.ts';
import { verifyAssertion } from './verify-assertion.ts';

/** Options for {@link finishAuthentication}. */
export interface FinishAuthenticationOptions {
  appId: string;
  ceremonyId: string;
  /** The transaction the client says it is finishing; must be the ceremony's when given. */
  transactionId: string | null;
  response: AuthenticationResponseJSON;
}

/**
 * What a successful sign-in yields: the nonce for the app backend, and what the browser needs to
 * keep its passkey list in step with the server (WebAuthn L3 §5.1.10, the Signal API).
 */
export interface FinishAuthenticationResult {
  nonce: string;
  user: UserRecord;
  credential: CredentialRecord;
  /** The app's RP ID, for `PublicKeyCredential.signalAllAcceptedCredentials`. */
  rpId: string;
  /** The WebAuthn user handle (`user.id`, base64url) of the user who signed in. */
  userHandle: string;
  /** Every credential id (base64url) the user still holds in this app, this one included. */
  acceptedCredentialIds: string[];
}

function reject(reason: FailureReason, message: string): never {
  throw new LatchkeyError('authentication_rejected', message, { reason });
}

/**
 * Finishes a sign-in (WebAuthn L3 §7.2): burns the ceremony, finds the credential by its id (never
 * by the user handle, which clients send in several forms), checks it belongs to the ceremony's
 * user, verifies client data, flags and signature, applies the counter policy, stores the new
 * counter, and mints a nonce naming the user.
 *
 * @example
 * const { nonce, user, acceptedCredentialIds } = await finishAuthentication(runtime, { appId, ceremonyId, transactionId: null, response });
 */
export async function finishAuthentication(
  runtime: Runtime,
  options: FinishAuthenticationOptions,
  context?: RequestContext,
): Promise<FinishAuthenticationResult> {
  const facts = {
    appId: options.appId,
    kind: 'authenticate' as const,
    ceremonyId: options.ceremonyId,
  };
  return auditFailures(runtime, context, facts, async (note) => {
    const app = await getApp(runtime, options.appId);
    const ceremony = await burnCeremony(runtime, {
      appId: app.id,
      ceremonyId: options.ceremonyId,
      kind: 'authenticate',
      transactionId: options.transactionId,
    });
    if (ceremony.userId) note({ userId: ceremony.userId });
    const { response } = options;
    if (response.id !== response.rawId) {
      return reject('credential_id_mismatch', 'credential id and raw id differ');
    }
    const credential = await runtime.store.credentials.findByCredentialId(app.id, response.id);
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
      origins: app.origins,
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
        origins: app.origins,
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
    const refuse =
      regression && !credential.backupEligible && app.policy.counterPolicy === 'refuse';
    if (refuse) return reject('counter_regression', 'signature counter did not increase');
    const wrote = await runtime.store.credentials.recordUse(app.id, credential.id, {
      counter: regression ? credential.counter : parsed.counter,
      backupState: parsed.flags.bs,
      at: now,
      enforceIncrease: !regression && parsed.counter > 0,
    });
    // A concurrent assertion with the same or a higher counter got there first: the same clone signal.
    if (!wrote && !credential.backupEligible && app.policy.counterPolicy === 'refuse') {
      return reject('counter_regression', 'signature counter did not increase');
    }
    if (regression || !wrote) {
      await recordEvent(runtime, context, {
        type: 'credential.counter_flagged',
        appId: app.id,
        userId: credential.userId,
        credentialId: credential.id,
        data: { stored: credential.counter, received: parsed.counter },
      });
    }
    // One statement reads the user and records the login.
    const user = await runtime.store.users.recordLogin(app.id, credential.userId, now);
    if (!user) return reject('credential_unknown', 'credential user no longer exists');
    const nonce = await mintNonce(runtime, {
      app,
      userId: user.id,
      kind: 'authenticate',
      credentialId: credential.id,
    });
    await recordEvent(runtime, context, {
      type: 'ceremony.succeeded',
      appId: app.id,
      userId: user.id,
      credentialId: credential.id,
      data: { kind: 'authenticate', ceremonyId: ceremony.id, userVerified: parsed.flags.uv },
    });
    const held = await runtime.store.credentials.listByUser(app.id, user.id);
    return {
      nonce,
      user,
      credential,
      rpId: app.rpId,
      userHandle: user.webauthnUserId,
      acceptedCredentialIds: held.map((c) => c.credentialId),
    };
  });
}
