/**
 * TypeBox schemas of the actions client API: what `@authsignal/browser`'s passkey module sends
 * from the page and reads back. Bodies allow fields they do not name, which later SDK versions
 * add; those are ignored.
 */
import { type Static, Type } from '@sinclair/typebox';
import { hintsSchema } from '../../../http/hints-schema.ts';
import { AuthenticationResponse, RegistrationResponse } from '../../flex/schemas.ts';
import { Authenticator } from './common.ts';

const ChallengeId = Type.String({ minLength: 1, maxLength: 100 });
/** What a page may name itself as; at most what latchkey stores of a name. */
const Name = Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()]));
/** WebAuthn options in their standard JSON encoding, as `@simplewebauthn/browser` reads them. */
const PublicKeyOptions = Type.Object({}, { additionalProperties: true });

export const RegistrationOptionsBody = Type.Object(
  {
    username: Name,
    displayName: Name,
    authenticatorAttachment: Type.Optional(
      Type.Union([Type.Literal('platform'), Type.Literal('cross-platform'), Type.Null()]),
    ),
    // latchkey's addition: the ceremony's own hints instead of the app's.
    hints: Type.Optional(hintsSchema()),
  },
  { additionalProperties: true },
);
export type RegistrationOptionsBody = Static<typeof RegistrationOptionsBody>;

export const CeremonyOptions = Type.Object({
  challengeId: Type.String(),
  options: PublicKeyOptions,
});

export const AddPasskeyBody = Type.Object(
  {
    registrationCredential: RegistrationResponse,
    challengeId: ChallengeId,
    conditionalCreate: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  },
  { additionalProperties: true },
);

export const PasskeyAdded = Type.Object({
  isVerified: Type.Boolean(),
  accessToken: Type.String(),
  userAuthenticatorId: Type.String(),
  userId: Type.String(),
  userAuthenticator: Authenticator,
});

export const ChallengeBody = Type.Object(
  { action: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])) },
  { additionalProperties: true },
);
export const ChallengeCreated = Type.Object({ challengeId: Type.String() });

export const AuthenticationOptionsBody = Type.Object(
  {
    challengeId: Type.Optional(Type.Union([ChallengeId, Type.Null()])),
    hints: Type.Optional(hintsSchema()),
  },
  { additionalProperties: true },
);

export const VerifyBody = Type.Object(
  {
    authenticationCredential: AuthenticationResponse,
    challengeId: ChallengeId,
    deviceId: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: true },
);

export const PasskeyVerified = Type.Object({
  isVerified: Type.Boolean(),
  accessToken: Type.String(),
  userId: Type.String(),
  userAuthenticatorId: Type.String(),
  username: Type.String(),
  userDisplayName: Type.String(),
});

export const AvailabilityQuery = Type.Object({
  credentialIds: Type.Optional(
    Type.String({ maxLength: 20_000, description: 'Credential ids (base64url), a,b,c' }),
  ),
});

/** With the app id alone: only that the credential is registered. With a token: its passkey. */
export const Availability = Type.Union([
  Authenticator,
  Type.Object({ credentialId: Type.String() }, { additionalProperties: false }),
]);
