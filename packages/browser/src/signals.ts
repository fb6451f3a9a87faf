/**
 * The WebAuthn Signal API (WebAuthn L3 §5.1.10): telling the browser's passkey provider what the
 * server knows, so that passkeys the server no longer accepts stop being offered. Feature-detected;
 * best effort; a failure is never the ceremony's failure.
 */

interface SignalingPublicKeyCredential {
  signalUnknownCredential?: (options: { rpId: string; credentialId: string }) => Promise<void>;
  signalAllAcceptedCredentials?: (options: {
    rpId: string;
    userId: string;
    allAcceptedCredentialIds: string[];
  }) => Promise<void>;
  signalCurrentUserDetails?: (options: {
    rpId: string;
    userId: string;
    name: string;
    displayName: string;
  }) => Promise<void>;
}

function api(): SignalingPublicKeyCredential | null {
  const pkc = (globalThis as { PublicKeyCredential?: unknown }).PublicKeyCredential;
  return typeof pkc === 'function' ? (pkc as SignalingPublicKeyCredential) : null;
}

function settle(call: Promise<void> | undefined): void {
  call?.catch(() => {
    // Signals are hints to the passkey provider; one that fails changes nothing on the server.
  });
}

/**
 * Tells the browser that the server does not know this credential (revoked, or never registered).
 *
 * @example
 * signalUnknownCredential({ rpId: 'bank.example', credentialId: 'Xy…' });
 */
export function signalUnknownCredential(options: { rpId: string; credentialId: string }): boolean {
  const pkc = api();
  if (typeof pkc?.signalUnknownCredential !== 'function') return false;
  settle(pkc.signalUnknownCredential(options));
  return true;
}

/**
 * Tells the browser every credential the server accepts for a user; others for that user are hidden.
 *
 * @example
 * signalAllAcceptedCredentials({ rpId, userId: userHandle, allAcceptedCredentialIds: ids });
 */
export function signalAllAcceptedCredentials(options: {
  rpId: string;
  userId: string;
  allAcceptedCredentialIds: string[];
}): boolean {
  const pkc = api();
  if (typeof pkc?.signalAllAcceptedCredentials !== 'function') return false;
  settle(pkc.signalAllAcceptedCredentials(options));
  return true;
}

/**
 * Tells the browser a user's current name and display name, for the passkey picker.
 *
 * @example
 * signalCurrentUserDetails({ rpId, userId: userHandle, name: 'ada@bank.example', displayName: 'Ada' });
 */
export function signalCurrentUserDetails(options: {
  rpId: string;
  userId: string;
  name: string;
  displayName: string;
}): boolean {
  const pkc = api();
  if (typeof pkc?.signalCurrentUserDetails !== 'function') return false;
  settle(pkc.signalCurrentUserDetails(options));
  return true;
}

/** The Signal API data a latchkey finish carries; absent from servers that do not send it. */
export interface FinishSignals {
  rp_id?: unknown;
  user_handle?: unknown;
  accepted_credential_ids?: unknown;
}

/** After a successful finish: signal the accepted credentials, where the server sent them. */
export function signalFinished(body: FinishSignals): void {
  const { rp_id: rpId, user_handle: userId, accepted_credential_ids: ids } = body;
  if (typeof rpId !== 'string' || typeof userId !== 'string' || !Array.isArray(ids)) return;
  const allAcceptedCredentialIds = ids.filter((id): id is string => typeof id === 'string');
  signalAllAcceptedCredentials({ rpId, userId, allAcceptedCredentialIds });
}
