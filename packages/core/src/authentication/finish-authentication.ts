import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { burnCeremonyForAssertion } from '../ceremonies/burn-ceremony.ts';
import { auditFailures, recordCeremonySucceeded } from '../ceremonies/ceremony-audit.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { mintNonce } from '../nonces/nonces.ts';
import type { Runtime } from '../runtime.ts';
import type { UserRecord } from '../users/user-port.ts';
import { verifyAuthentication } from './verify-authentication.ts';

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

/**
 * Finishes a flex sign-in: burns the ceremony (bound to the named transaction, or to none), verifies
 * the assertion like every sign-in ({@link verifyAuthentication}), and mints a nonce naming the user:
 * the flex outcome.
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
    binding:
      options.transactionId === null
        ? ({ type: 'none' } as const)
        : ({ type: 'transaction', transactionId: options.transactionId } as const),
  };
  return auditFailures(runtime, context, facts, async (note) => {
    const app = await getApp(runtime, options.appId);
    const { ceremony, credential: named } = await burnCeremonyForAssertion(runtime, {
      appId: app.id,
      ceremonyId: options.ceremonyId,
      kind: 'authenticate',
      expected: { type: 'transaction', transactionId: options.transactionId },
      credentialId: options.response.id,
    });
    note({ binding: ceremony.binding });
    const { user, credential, userVerified, credentialIds } = await verifyAuthentication(
      runtime,
      {
        app,
        ceremony,
        response: options.response,
        note,
        credential: named,
        listCredentials: true,
      },
      context,
    );
    const nonce = await mintNonce(runtime, {
      app,
      userId: user.id,
      kind: 'authenticate',
      credentialId: credential.id,
      userVerified,
    });
    await recordCeremonySucceeded(runtime, context, {
      appId: app.id,
      kind: 'authenticate',
      ceremonyId: ceremony.id,
      binding: ceremony.binding,
      userId: user.id,
      credentialId: credential.id,
      userVerified,
    });
    return {
      nonce,
      user,
      credential,
      rpId: app.rpId,
      userHandle: user.webauthnUserId,
      acceptedCredentialIds: credentialIds,
    };
  });
}
