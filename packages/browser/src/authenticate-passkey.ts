import {
  type AuthenticationResponseJSON,
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
} from '@simplewebauthn/browser';
import { beginCeremony } from './ceremony-gate.ts';
import type { FlexClient } from './flex-client.ts';
import { FlexRequestError } from './flex-client.ts';
import { hintsField, type PasskeyHint } from './hints.ts';
import { LatchkeyError } from './latchkey-error.ts';
import { type PasskeyResult, type PrfSalts, takePrfOutput, withPrfSalts } from './prf.ts';
import { type FinishSignals, signalFinished, signalUnknownCredential } from './signals.ts';
import { shorterTimeout } from './timeout.ts';
import { toLatchkeyError } from './webauthn-failure.ts';

/** Options for {@link authenticatePasskey}. */
export interface AuthenticateOptions {
  /**
   * The app backend's authenticate transaction for a known user. Without one the sign-in is
   * discoverable: the person picks any passkey they hold for this site.
   */
  transactionId?: string | null;
  /**
   * Offer passkeys in the autofill of an `<input autocomplete="username webauthn">` instead of a
   * modal prompt. The promise stays pending until the person picks one, or a newer ceremony
   * replaces it (then it rejects with `aborted`).
   */
  isConditionalMediation?: boolean;
  /** WebAuthn hints for this ceremony, most preferred first, instead of the app's. Advice only. */
  hints?: readonly PasskeyHint[];
  /**
   * Ask the passkey for PRF outputs of these salts (base64url). The salts stay in the page: they
   * are never sent to the server, and neither are the outputs, which only the caller gets.
   */
  prf?: PrfSalts;
}

interface StartAnswer {
  handshake: { id: string; challenge: { publicKey: PublicKeyCredentialRequestOptionsJSON } };
  transaction_id?: string | null;
}

/**
 * Signs in with a passkey and returns the nonce the app backend redeems for the user's external id,
 * with the PRF output.
 *
 * @example
 * const { nonce } = await authenticatePasskey(client, { transactionId });
 */
export async function authenticatePasskey(
  client: FlexClient,
  options: AuthenticateOptions = {},
  settings: { timeout?: number } = {},
): Promise<PasskeyResult> {
  const transactionId = options.transactionId ? options.transactionId : null;
  const conditional = options.isConditionalMediation === true;
  const hints = hintsField(options.hints);
  withPrfSalts({}, options.prf);
  const ceremony = beginCeremony();
  try {
    if (conditional) {
      if (!(await browserSupportsWebAuthnAutofill())) {
        throw new LatchkeyError('not_supported', 'this browser has no passkey autofill');
      }
      if (document.querySelector("input[autocomplete$='webauthn']") === null) {
        throw new LatchkeyError(
          'not_supported',
          'autofill sign-in needs an <input autocomplete="username webauthn"> on the page',
        );
      }
    }
    const started = await client.post<StartAnswer>(
      '/authenticate/transactions/webauthn/start',
      { ...(transactionId === null ? {} : { transaction_id: transactionId }), ...hints },
      ceremony.signal,
    );
    ceremony.check();
    const optionsJSON = started.handshake.challenge.publicKey;
    const timeout = shorterTimeout(optionsJSON.timeout, settings.timeout);
    const startedAt = performance.now();
    let asserted: AuthenticationResponseJSON;
    try {
      asserted = await startAuthentication({
        optionsJSON: withPrfSalts(
          { ...optionsJSON, ...(timeout === undefined ? {} : { timeout }) },
          options.prf,
        ),
        useBrowserAutofill: conditional,
      });
    } catch (error) {
      throw toLatchkeyError(error, {
        kind: 'authenticate',
        startedAt,
        // A conditional request waits for the person by design; its end is not a refusal.
        timeout: conditional ? undefined : timeout,
        signal: ceremony.signal,
      });
    }
    ceremony.check();
    const { response, prf } = takePrfOutput(asserted);
    let finished: { nonce: string } & FinishSignals;
    try {
      finished = await client.post(
        '/authenticate/transactions/webauthn/finish',
        {
          ...(started.transaction_id ? { transaction_id: started.transaction_id } : {}),
          handshake_id: started.handshake.id,
          handshake_response: response,
        },
        ceremony.signal,
      );
    } catch (error) {
      if (error instanceof FlexRequestError && error.code === 'discoverable_login_failed') {
        forgetUnknownCredential(error, response.id);
      }
      throw error;
    }
    signalFinished(finished);
    return { nonce: finished.nonce, prf };
  } finally {
    ceremony.end();
  }
}

/** The server does not know the passkey just used: ask the browser to stop offering it. */
function forgetUnknownCredential(error: FlexRequestError, usedId: string): void {
  const { rp_id: rpId, credential_id: credentialId } = error.body;
  if (typeof rpId !== 'string' || typeof credentialId !== 'string') return;
  // Only the credential this browser just used: a server cannot make it forget any other.
  if (credentialId !== usedId) return;
  signalUnknownCredential({ rpId, credentialId });
}
