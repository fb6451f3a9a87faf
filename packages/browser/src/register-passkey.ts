import {
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  startRegistration,
} from '@simplewebauthn/browser';
import { beginCeremony } from './ceremony-gate.ts';
import type { FlexClient } from './flex-client.ts';
import { FlexRequestError } from './flex-client.ts';
import { LatchkeyError } from './latchkey-error.ts';
import { type FinishSignals, signalFinished } from './signals.ts';
import { shorterTimeout } from './timeout.ts';
import { toLatchkeyError } from './webauthn-failure.ts';

/** Options for {@link registerPasskey}. */
export interface RegisterOptions {
  /** Which authenticator the browser should offer. Advice only. Default: `any`. */
  authenticatorAttachment?: 'platform' | 'cross-platform' | 'any';
}

interface StartAnswer {
  handshake: { id: string; challenge: { publicKey: PublicKeyCredentialCreationOptionsJSON } };
  transaction_id?: string | null;
}

/**
 * Registers a passkey for the user the app backend made `transactionId` for, and returns the nonce
 * the app backend redeems. After success the browser is told which passkeys the user now has.
 *
 * @example
 * const nonce = await registerPasskey(client, transactionId, { authenticatorAttachment: 'platform' });
 */
export async function registerPasskey(
  client: FlexClient,
  transactionId: string,
  options: RegisterOptions = {},
  settings: { timeout?: number } = {},
): Promise<string> {
  if (typeof transactionId !== 'string' || transactionId.length === 0) {
    throw new LatchkeyError('invalid_request', 'a register transaction id is required');
  }
  const ceremony = beginCeremony();
  try {
    const started = await client.post<StartAnswer>(
      '/register/transactions/webauthn/start',
      {
        transaction_id: transactionId,
        authenticator_attachment: options.authenticatorAttachment ?? 'any',
      },
      ceremony.signal,
    );
    ceremony.check();
    const optionsJSON = started.handshake.challenge.publicKey;
    const timeout = shorterTimeout(optionsJSON.timeout, settings.timeout);
    const startedAt = performance.now();
    let response: RegistrationResponseJSON;
    try {
      response = await startRegistration({
        optionsJSON: { ...optionsJSON, ...(timeout === undefined ? {} : { timeout }) },
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
    return finished.nonce;
  } finally {
    ceremony.end();
  }
}
