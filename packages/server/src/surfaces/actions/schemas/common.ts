/**
 * TypeBox schemas shared by the actions server and client APIs: the error body, a passkey as the
 * SDKs' `UserAuthenticator`, the verification methods. Fastify's serializer writes only what a
 * response schema lists, so every field the published SDKs read is listed here.
 */
import { ACTION_STATES } from '@latchkey/core';
import { type TLiteral, Type } from '@sinclair/typebox';

/** A union of string literals from a closed vocabulary. */
export const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v): TLiteral<T> => Type.Literal(v)));

/** An ISO 8601 time, as every actions answer writes times. */
export const Time = Type.String({ format: 'date-time' });

/** Every actions error, server and client alike. */
export const ActionsError = Type.Object(
  { error: Type.String(), errorCode: Type.String(), errorDescription: Type.String() },
  {
    $id: 'ActionsError',
    description:
      'Every actions error: the code twice (the browser SDK reads errorCode, the Node SDK error) and a message.',
  },
);

/** The error statuses a route of either API may answer with. */
export const ACTIONS_ERROR_RESPONSES = {
  400: ActionsError,
  401: ActionsError,
  403: ActionsError,
  404: ActionsError,
  409: ActionsError,
} as const;

/** A user's action state (`UserActionState`). */
export const ActionState = oneOf(ACTION_STATES);

/** The one verification method latchkey offers. */
const Passkey = Type.Literal('PASSKEY');

/** A passkey as the SDKs' `UserAuthenticator` (`getAuthenticators`, `signUp`). */
export const Authenticator = Type.Object(
  {
    userId: Type.String(),
    userAuthenticatorId: Type.String(),
    verificationMethod: Passkey,
    createdAt: Time,
    verifiedAt: Time,
    lastVerifiedAt: Type.Optional(Time),
    webauthnCredential: Type.Object({
      credentialId: Type.String(),
      deviceId: Type.String(),
      name: Type.String(),
      aaguid: Type.String(),
      credentialBackedUp: Type.Boolean(),
      credentialDeviceType: oneOf(['multiDevice', 'singleDevice'] as const),
      authenticatorAttachment: Type.Optional(Type.String()),
      aaguidAttested: Type.Optional(
        Type.Boolean({
          description: 'whether the AAGUID was attested against FIDO metadata (latchkey addition)',
        }),
      ),
    }),
  },
  { description: "A passkey as the SDKs' UserAuthenticator" },
);

/** A user's passkeys. */
export const Authenticators = Type.Array(Authenticator);

/** What a user can verify with: spread into the track and getUser answers. */
export const VerificationMethods = {
  isEnrolled: Type.Boolean(),
  enrolledVerificationMethods: Type.Array(Passkey),
  allowedVerificationMethods: Type.Array(Passkey),
  defaultVerificationMethod: Type.Optional(Passkey),
};

/** The verification-method fields alone, for the type of their presenter. */
export const VerificationMethodsOnly = Type.Object(VerificationMethods);

/** The answer of a delete: the SDKs ignore it. */
export const Success = Type.Object({ success: Type.Boolean() });
