/**
 * TypeBox schemas of the flex contract. Routes validate with them and the OpenAPI document is
 * generated from them, so the two cannot disagree.
 */
import { type Static, Type } from '@sinclair/typebox';
import { externalIdSchema } from '../../http/external-id-schema.ts';
import { hintsSchema } from '../../http/hints-schema.ts';

/** base64url, tolerating the `=` padding some native clients add. No `+` or `/`. */
const B64URL = '^[A-Za-z0-9_-]*={0,2}$';
const b64url = (maxLength: number) => Type.String({ pattern: B64URL, maxLength });

export const ErrorBody = Type.Object(
  { code: Type.String(), error: Type.String() },
  { $id: 'FlexError', description: 'Every flex error: a stable code and a message.' },
);

export const AppParams = Type.Object({ app_id: Type.String({ minLength: 1, maxLength: 64 }) });
export const UserParams = Type.Object({
  app_id: Type.String({ minLength: 1, maxLength: 64 }),
  user_id: Type.String({ minLength: 1, maxLength: 64 }),
});
export const DeviceParams = Type.Object({
  app_id: Type.String({ minLength: 1, maxLength: 64 }),
  user_id: Type.String({ minLength: 1, maxLength: 64 }),
  device_id: Type.String({ minLength: 1, maxLength: 64 }),
});

const ExternalId = externalIdSchema();
/** `transaction_id` absent, null or "" all mean "no transaction". */
const OptionalTransactionId = Type.Optional(
  Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
);

export const CreateRegisterTransactionBody = Type.Object({
  external_id: ExternalId,
  passkey_display_name: Type.String({ minLength: 1, maxLength: 256 }),
  hints: Type.Optional(hintsSchema()),
  upgrade: Type.Optional(
    Type.Boolean({
      description:
        'An automatic passkey upgrade after a password sign-in: the browser creates the passkey without a prompt (conditional create), and only this transaction’s response may lack user presence',
    }),
  ),
});
export const CreateRecoveryTransactionBody = Type.Object({
  external_id: ExternalId,
  passkey_display_name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'The name the passkey manager shows for the account; the user’s when absent',
    }),
  ),
  revoke_other_passkeys: Type.Optional(
    Type.Boolean({
      description:
        'Whether completing the recovery revokes every other passkey of the user, in the same database transaction that stores the new one. Default true: the lost passkey may be in someone else’s hands',
    }),
  ),
});
export const CreateAuthenticateTransactionBody = Type.Object({
  external_id: ExternalId,
  hints: Type.Optional(hintsSchema()),
});
export const TransactionCreated = Type.Object({ transaction_id: Type.String() });

export const VerifyNonceBody = Type.Object({
  nonce: Type.String({ minLength: 1, maxLength: 200 }),
});
export const NonceVerified = Type.Object({
  external_id: Type.String(),
  session_token: Type.Optional(
    Type.String({
      description:
        "A signed session token (JWT), when the app has session tokens on and the nonce is a sign-in's; see docs/session-tokens.md",
    }),
  ),
});

export const ListUsersQuery = Type.Object({
  identifier: Type.Optional(
    externalIdSchema({ minLength: 0, description: 'An external id to find' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  created_before: Type.Optional(Type.Integer({ minimum: 0 })),
});

const Link = Type.Object({ href: Type.String() });
export const UserItem = Type.Object({
  created_at: Type.String(),
  email: Type.String(),
  email_verified: Type.Boolean(),
  external_id: Type.String(),
  id: Type.String(),
  last_login_at: Type.String(),
  login_count: Type.Integer(),
  phone: Type.String(),
  phone_verified: Type.Boolean(),
  status: Type.String(),
  updated_at: Type.String(),
  user_metadata: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
});
export const PaginatedUsers = Type.Object({
  _links: Type.Object({
    first: Link,
    last: Link,
    next: Link,
    previous: Link,
    self: Link,
  }),
  created_before: Type.Integer(),
  limit: Type.Integer(),
  page: Type.Integer(),
  total_users: Type.Integer(),
  users: Type.Array(UserItem),
});

export const WebAuthnDevice = Type.Object({
  created_at: Type.String(),
  cred_id: Type.String(),
  friendly_name: Type.String(),
  id: Type.String(),
  last_login_at: Type.String(),
  type: Type.String(),
  updated_at: Type.String(),
  usage_count: Type.Integer(),
  icons: Type.Object({
    light: Type.Union([Type.String(), Type.Null()]),
    dark: Type.Union([Type.String(), Type.Null()]),
  }),
  aaguid: Type.String(),
  backup_eligible: Type.Boolean(),
  backup_state: Type.Boolean(),
  transports: Type.Array(Type.String()),
  authenticator_attachment: Type.Union([Type.String(), Type.Null()]),
  aaguid_attested: Type.Boolean({
    description:
      "true when the AAGUID was attested against FIDO metadata at registration; false when it is only the authenticator's own claim",
  }),
  prf_enabled: Type.Boolean({
    description: 'The browser reported PRF enabled at registration (client-reported)',
  }),
  created_by_upgrade: Type.Boolean({ description: 'Made by an automatic passkey upgrade' }),
});

export const UserInfo = Type.Composite([
  UserItem,
  Type.Object({
    recent_events: Type.Array(Type.Unknown()),
    social_connections: Type.Object({}, { additionalProperties: true }),
    webauthn: Type.Boolean(),
    webauthn_devices: Type.Array(WebAuthnDevice),
    webauthn_types: Type.Array(Type.String()),
  }),
]);
export const UserInfoResponse = Type.Object({ user: UserInfo });
export const DevicesResponse = Type.Object({ devices: Type.Array(WebAuthnDevice) });

export const AppInfoResponse = Type.Object({
  app: Type.Object({
    id: Type.String(),
    name: Type.String(),
    auth_origin: Type.String(),
    rp_id: Type.String(),
    allowed_origins: Type.Array(Type.String()),
    created_at: Type.String(),
  }),
});

// WebAuthn JSON (camelCase inside), bounded. Unknown fields are allowed and ignored.
const Transports = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 });
const ClientExtensionResults = Type.Optional(
  Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
);
const Attachment = Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()]));
/** A credential id is at most 1023 bytes: 1364 base64url characters. */
const CredentialIdB64 = Type.String({ pattern: B64URL, minLength: 1, maxLength: 1368 });

export const RegistrationResponse = Type.Object({
  id: CredentialIdB64,
  rawId: CredentialIdB64,
  type: Type.Literal('public-key'),
  response: Type.Object({
    clientDataJSON: b64url(16_384),
    attestationObject: b64url(96_000),
    transports: Type.Optional(Transports),
  }),
  transports: Type.Optional(Transports),
  authenticatorAttachment: Attachment,
  clientExtensionResults: ClientExtensionResults,
});
export type RegistrationResponse = Static<typeof RegistrationResponse>;

export const AuthenticationResponse = Type.Object({
  id: CredentialIdB64,
  rawId: CredentialIdB64,
  type: Type.Literal('public-key'),
  response: Type.Object({
    clientDataJSON: b64url(16_384),
    authenticatorData: b64url(16_384),
    signature: b64url(2_048),
    // "", absent, base64url, or (iOS) the raw user id: never trusted, so any short string.
    userHandle: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
    transports: Type.Optional(Transports),
  }),
  transports: Type.Optional(Transports),
  authenticatorAttachment: Attachment,
  clientExtensionResults: ClientExtensionResults,
});
export type AuthenticationResponse = Static<typeof AuthenticationResponse>;

export const RegisterStartBody = Type.Object({
  transaction_id: OptionalTransactionId,
  authenticator_attachment: Type.Optional(
    Type.Union([
      Type.Literal('platform'),
      Type.Literal('cross-platform'),
      Type.Literal('any'),
      Type.Null(),
    ]),
  ),
  hints: Type.Optional(hintsSchema()),
});
export const RegisterFinishBody = Type.Object({
  transaction_id: OptionalTransactionId,
  handshake_id: Type.String({ minLength: 1, maxLength: 64 }),
  handshake_response: RegistrationResponse,
});
export const AuthenticateStartBody = Type.Object({
  transaction_id: OptionalTransactionId,
  hints: Type.Optional(hintsSchema()),
});
export const AuthenticateFinishBody = Type.Object({
  transaction_id: OptionalTransactionId,
  handshake_id: Type.String({ minLength: 1, maxLength: 64 }),
  handshake_response: AuthenticationResponse,
});

const PublicKeyOptions = Type.Object({}, { additionalProperties: true });
export const HandshakeResponse = Type.Object({
  handshake: Type.Object({
    id: Type.String(),
    challenge: Type.Object({ publicKey: PublicKeyOptions }),
    mediation: Type.Optional(
      Type.Literal('conditional', {
        description:
          'Create the passkey with mediation "conditional" (an automatic passkey upgrade)',
      }),
    ),
  }),
  transaction_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export const NonceResponse = Type.Object({ nonce: Type.String() });

/**
 * A finish's answer: the contract's `nonce`, plus (a latchkey addition) what the browser hands to
 * the WebAuthn Signal API so that passkeys the server no longer accepts stop being offered.
 */
export const CeremonyFinishedResponse = Type.Object({
  nonce: Type.String(),
  rp_id: Type.String(),
  user_handle: Type.String({ description: 'The WebAuthn user.id, base64url' }),
  accepted_credential_ids: Type.Array(Type.String()),
});

/**
 * A 401 from the authenticate finish. For `discoverable_login_failed` (a credential the app does not
 * know) it also carries the RP ID and the credential id the client sent, for
 * `PublicKeyCredential.signalUnknownCredential`. Neither names a user.
 */
export const AuthenticateFailedBody = Type.Object(
  {
    code: Type.String(),
    error: Type.String(),
    rp_id: Type.Optional(Type.String()),
    credential_id: Type.Optional(Type.String()),
  },
  { $id: 'FlexAuthenticateFailed' },
);
