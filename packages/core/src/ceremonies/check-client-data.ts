import { type ClientDataJSON, decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import { type FailureReason, LatchkeyError } from '../errors.ts';

/**
 * WebAuthn L3 §7.1 steps 5–12 and §7.2 steps 7–14, on the client data the server received (never
 * only on the options it sent). `errorCode` is the code the caller's ceremony fails with.
 */
export function checkClientData(options: {
  clientDataJSON: string;
  expectedType: 'webauthn.create' | 'webauthn.get';
  challenge: string;
  origins: string[];
  allowCrossOrigin: boolean;
  errorCode: 'registration_rejected' | 'authentication_rejected';
}): ClientDataJSON {
  const fail = (reason: FailureReason, message: string): never => {
    throw new LatchkeyError(options.errorCode, message, { reason });
  };
  let clientData: ClientDataJSON;
  try {
    clientData = decodeClientDataJSON(options.clientDataJSON);
  } catch {
    return fail('malformed_response', 'clientDataJSON is not valid JSON');
  }
  if (typeof clientData !== 'object' || clientData === null) {
    return fail('malformed_response', 'clientDataJSON is not an object');
  }
  // §7.1 step 7 / §7.2 step 11: the type must match exactly, so an assertion cannot pose as an attestation.
  if (clientData.type !== options.expectedType) {
    return fail('type_mismatch', `client data type must be ${options.expectedType}`);
  }
  // Step 8 / 12: the challenge must be exactly the one this ceremony issued.
  if (clientData.challenge !== options.challenge) {
    return fail('challenge_mismatch', 'client data challenge does not match the ceremony');
  }
  // Step 9 / 13: the origin must be exactly one of the app's origins; no prefix or suffix matching.
  if (typeof clientData.origin !== 'string' || !options.origins.includes(clientData.origin)) {
    return fail('origin_mismatch', 'client data origin is not allowed for this app');
  }
  // Step 10 / 14: an embedded (cross-origin iframe) ceremony is refused unless the app allows it.
  if (clientData.crossOrigin === true && !options.allowCrossOrigin) {
    return fail('cross_origin', 'cross-origin ceremonies are not allowed for this app');
  }
  return clientData;
}
