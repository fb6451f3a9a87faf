// Shared fixtures for this package's tests: real server options and real server verification from
// @simplewebauthn/server, so every test proves interoperability rather than self-consistency.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type VerifiedAuthenticationResponse,
  type VerifiedRegistrationResponse,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';

export const RP_ID = 'example.com';
export const ORIGIN = 'https://example.com';

/** Creation options as a real server makes them (ES256, EdDSA, RS256 supported). */
export function creationOptions(
  extra: {
    excludeCredentials?: { id: string }[];
    userVerification?: 'required' | 'discouraged';
  } = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Example',
    rpID: RP_ID,
    userName: 'alice',
    supportedAlgorithmIDs: [-7, -8, -257],
    excludeCredentials: extra.excludeCredentials ?? [],
    authenticatorSelection: {
      residentKey: 'required',
      userVerification: extra.userVerification ?? 'preferred',
    },
  });
}

/** Request options as a real server makes them. */
export function requestOptions(
  extra: { allowCredentials?: { id: string }[]; rpID?: string } = {},
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: extra.rpID ?? RP_ID,
    allowCredentials: extra.allowCredentials ?? [],
    userVerification: 'preferred',
  });
}

/** Verifies a registration response against its options like the server would. */
export function verifyRegistration(
  response: Parameters<typeof verifyRegistrationResponse>[0]['response'],
  options: PublicKeyCredentialCreationOptionsJSON,
  extra: { supportedAlgorithmIDs?: number[]; requireUserVerification?: boolean } = {},
): Promise<VerifiedRegistrationResponse> {
  return verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    ...extra,
  });
}

/** Verifies an assertion against its options and the server-side credential record. */
export function verifyAssertion(
  response: AuthenticationResponseJSON,
  options: PublicKeyCredentialRequestOptionsJSON,
  credential: WebAuthnCredential,
  extra: { expectedTopOrigin?: string; requireUserVerification?: boolean } = {},
): Promise<VerifiedAuthenticationResponse> {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    ...extra,
  });
}
