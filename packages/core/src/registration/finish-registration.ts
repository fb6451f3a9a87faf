import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { getApp } from '../apps/get-app.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { burnCeremony } from '../ceremonies/burn-ceremony.ts';
import { auditFailures, recordCeremonySucceeded } from '../ceremonies/ceremony-audit.ts';
import type { CredentialRecord } from '../credentials/credential-port.ts';
import { mintNonce } from '../nonces/nonces.ts';
import type { Runtime } from '../runtime.ts';
import { verifyRegistration } from './verify-registration.ts';

export { MAX_CREDENTIAL_ID_BYTES } from './verify-registration.ts';

/** Options for {@link finishRegistration}. */
export interface FinishRegistrationOptions {
  appId: string;
  ceremonyId: string;
  /** The transaction the client says it is finishing; must be the ceremony's when given. */
  transactionId: string | null;
  response: RegistrationResponseJSON;
}

/**
 * What a successful registration yields: the nonce for the app backend, and what the browser needs
 * to keep its passkey list in step with the server (WebAuthn L3 §5.1.10, the Signal API).
 */
export interface FinishRegistrationResult {
  nonce: string;
  credential: CredentialRecord;
  /** The app's RP ID, for `PublicKeyCredential.signalAllAcceptedCredentials`. */
  rpId: string;
  /** The WebAuthn user handle (`user.id`, base64url) the passkey was made for. */
  userHandle: string;
  /** Every credential id (base64url) the user now holds in this app, the new one included. */
  acceptedCredentialIds: string[];
}

/**
 * Finishes a flex registration: burns the ceremony (bound to the register transaction), verifies
 * the attestation and stores the credential like every registration ({@link verifyRegistration}),
 * and mints a nonce for the app backend: the flex outcome. The ceremony of an account recovery
 * stores the passkey as the recovery says (revoking the user's others by default); its nonce,
 * like any registration's, names the user.
 *
 * @example
 * const { nonce } = await finishRegistration(runtime, { appId, ceremonyId, transactionId, response });
 */
export async function finishRegistration(
  runtime: Runtime,
  options: FinishRegistrationOptions,
  context?: RequestContext,
): Promise<FinishRegistrationResult> {
  const facts = {
    appId: options.appId,
    kind: 'register' as const,
    ceremonyId: options.ceremonyId,
    binding:
      options.transactionId === null
        ? ({ type: 'none' } as const)
        : ({ type: 'transaction', transactionId: options.transactionId } as const),
  };
  return auditFailures(runtime, context, facts, async (note) => {
    const app = await getApp(runtime, options.appId);
    const ceremony = await burnCeremony(runtime, {
      appId: app.id,
      ceremonyId: options.ceremonyId,
      kind: 'register',
      expected: { type: 'transaction', transactionId: options.transactionId },
    });
    note({
      binding: ceremony.binding,
      upgrade: ceremony.conditional,
      recovery: ceremony.recovery !== null,
    });
    const { user, credential } = await verifyRegistration(
      runtime,
      { app, ceremony, response: options.response, note },
      context,
    );
    const nonce = await mintNonce(runtime, {
      app,
      userId: user.id,
      kind: 'register',
      credentialId: credential.id,
    });
    await recordCeremonySucceeded(runtime, context, {
      appId: app.id,
      kind: 'register',
      ceremonyId: ceremony.id,
      binding: ceremony.binding,
      userId: user.id,
      credentialId: credential.id,
      upgrade: ceremony.conditional,
      recovery: ceremony.recovery !== null,
    });
    const held = await runtime.store.credentials.listByUser(app.id, user.id);
    return {
      nonce,
      credential,
      rpId: app.rpId,
      userHandle: user.webauthnUserId,
      acceptedCredentialIds: held.map((c) => c.credentialId),
    };
  });
}
