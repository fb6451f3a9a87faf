import {
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  startRegistration,
} from '@simplewebauthn/browser';
import { beginCeremony } from './ceremony-gate.ts';
import type { FlexClient } from './flex-client.ts';
import { FlexRequestError } from './flex-client.ts';
import { hintsField, type PasskeyHint } from './hints.ts';
import { LatchkeyError } from './latchkey-error.ts';
import { type PasskeyResult, type PrfSalts, takePrfOutput, withPrfSalts } from './prf.ts';
import { type FinishSignals, signalFinished } from './signals.ts';
import { shorterTimeout } from './timeout.ts';
import { toLatchkeyError } from './webauthn-failure.ts';

/** Options for {@link registerPasskey}. */
export interface RegisterOptions {
  /** Which authenticator the browser should offer. Advice only. Default: `any`. */
  authenticatorAttachment?: 'platform' | 'cross-platform' | 'any';
  /** WebAuthn hints for this ceremony, most preferred first, instead of the app's. Advice only. */
  hints?: readonly PasskeyHint[];
  /**
   * Ask the new passkey for PRF outputs of these salts (base64url). The salts stay in the page:
   * they are never sent to the server, and neither are the outputs, which only the caller gets.
   */
  prf?: PrfSalts;
}

interface StartAnswer {
  handshake: {
    id: string;
    challenge: { publicKey: PublicKeyCredentialCreationOptionsJSON };
    /** Set for an automatic passkey upgrade: create it without a prompt. */
    mediation?: 'conditional';
  };
  transaction_id?: string | null;
}

/**
 * Registers a passkey for the user the app backend made `transactionId` for, and returns the nonce
 * the app backend redeems, with the PRF output. After success the browser is told which passkeys
 * the user now has. Where the app backend made the transaction an upgrade, the browser creates the
 * passkey without a prompt (conditional create), or refuses at once.
 *
 * @example
 * const { nonce } = await registerPasskey(client, transactionId, { authenticatorAttachment: 'platform' });
 */
export async function registerPasskey(
  client: FlexClient,
  transactionId: string,
  options: RegisterOptions = {},
  settings: { timeout?: number } = {},
): Promise<PasskeyResult> {
  if (typeof transactionId !== 'string' || transactionId.length === 0) {
    throw new LatchkeyError('invalid_request', 'a register transaction id is required');
  }
  const hints = hintsField(options.hints);
  // Checked before anything is sent, so that a bad salt costs no transaction.
  withPrfSalts({}, options.prf);
  const ceremony = beginCeremony();
  try {
    const started = await client.post<StartAnswer>(
      '/register/transactions/webauthn/start',
      {
        transaction_id: transactionId,
        authenticator_attachment: options.authenticatorAttachment ?? 'any',
        ...hints,
      },
      ceremony.signal,
    );
    ceremony.check();
    const optionsJSON = started.handshake.challenge.publicKey;
    const timeout = shorterTimeout(optionsJSON.timeout, settings.timeout);
    const startedAt = performance.now();
    let created: RegistrationResponseJSON;
    try {
      created = await startRegistration({
        optionsJSON: withPrfSalts(
          { ...optionsJSON, ...(timeout === undefined ? {} : { timeout }) },
          options.prf,
        ),
        useAutoRegister: started.handshake.mediation === 'conditional',
      });
    } catch (error) {
      throw toLatchkeyError(error, {
        kind: 'register',
        startedAt,
        timeout,
        signal: ceremony.signal,
      });
    }
    ceremony.check();
    const { response, prf } = takePrfOutput(created);
    let finished: { nonce: string } & FinishSignals;
    try {
      finished = await client.post(
        '/register/transactions/webauthn/finish',
        {
          transaction_id: started.transaction_id ?? transactionId,
          handshake_id: started.handshake.id,
          handshake_response: response,
        },
        ceremony.signal,
      );
    } catch (error) {
      // The contract has no code of its own for a credential id registered twice; 409 says it.
      if (error instanceof FlexRequestError && error.status === 409) {
        throw new LatchkeyError('already_registered', error.message, { status: 409, cause: error });
      }
      throw error;
    }
    signalFinished(finished);
    return { nonce: finished.nonce, prf };
  } finally {
    ceremony.end();
  }
}
