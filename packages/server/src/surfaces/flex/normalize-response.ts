/**
 * The tolerances real clients need (flex.md): padding on base64url, `transports` at the top level
 * (web SDK) or inside `response` (Android), `userHandle` in any form, nulls for absent fields. The
 * result is standard WebAuthn JSON for the core.
 */
import { withoutPrfResults } from '@latchkey/core';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AuthenticationResponse, RegistrationResponse } from './schemas.ts';

const unpad = (value: string): string => value.replace(/=+$/, '');

type Attachment = RegistrationResponseJSON['authenticatorAttachment'];

function attachment(value: string | null | undefined): { authenticatorAttachment?: Attachment } {
  return value === 'platform' || value === 'cross-platform'
    ? { authenticatorAttachment: value }
    : {};
}

export function normalizeRegistrationResponse(
  body: RegistrationResponse,
): RegistrationResponseJSON {
  const transports = [...(body.response.transports ?? []), ...(body.transports ?? [])];
  return {
    id: unpad(body.id),
    rawId: unpad(body.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: unpad(body.response.clientDataJSON),
      attestationObject: unpad(body.response.attestationObject),
      transports: [...new Set(transports)] as RegistrationResponseJSON['response']['transports'],
    },
    // PRF outputs are the page's secrets: whatever a client sends of them goes no further.
    clientExtensionResults: withoutPrfResults(
      body.clientExtensionResults ?? {},
    ) as RegistrationResponseJSON['clientExtensionResults'],
    ...attachment(body.authenticatorAttachment),
  };
}

export function normalizeAuthenticationResponse(
  body: AuthenticationResponse,
): AuthenticationResponseJSON {
  return {
    id: unpad(body.id),
    rawId: unpad(body.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: unpad(body.response.clientDataJSON),
      authenticatorData: unpad(body.response.authenticatorData),
      signature: unpad(body.response.signature),
      // The user is found by credential id; the handle is not needed and not trusted.
    },
    clientExtensionResults: withoutPrfResults(
      body.clientExtensionResults ?? {},
    ) as AuthenticationResponseJSON['clientExtensionResults'],
    ...attachment(body.authenticatorAttachment),
  };
}

/** `transaction_id` absent, null or "" all mean "no transaction". */
export function optionalTransactionId(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}
