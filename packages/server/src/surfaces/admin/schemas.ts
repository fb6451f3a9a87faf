/**
 * TypeBox schemas of the admin API. Routes validate with them and `/openapi.json` is generated
 * from them. Times are ISO 8601 strings; ids are latchkey's.
 */
import {
  AAGUID_LIST_MAX,
  ACTION_STATES,
  ALGORITHM_NAMES,
  ATTESTATION,
  COUNTER_POLICY,
  DEVICE_BINDING,
  RESIDENT_KEY,
  RULE_ERROR_OUTCOMES,
  RULE_OUTCOMES,
  STATS_RANGES,
  USER_VERIFICATION,
} from '@latchkey/core';
import { type TLiteral, type TSchema, Type } from '@sinclair/typebox';
import { externalIdSchema } from '../../http/external-id-schema.ts';
import { hintsSchema } from '../../http/hints-schema.ts';

export const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v): TLiteral<T> => Type.Literal(v)));
export const Time = Type.String({ format: 'date-time' });
export const NullableTime = Type.Union([Time, Type.Null()]);
export const Id = Type.String({ minLength: 1, maxLength: 64 });
const AnyJson = Type.Unknown();
const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const AdminError = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String() }),
    request_id: Type.String(),
  },
  {
    $id: 'AdminError',
    description: 'Every admin error: a stable code, a message, the request id.',
  },
);

export const AppParams = Type.Object({ app_id: Id });
export const KeyParams = Type.Object({ app_id: Id, key_id: Id });
export const UserParams = Type.Object({ app_id: Id, user_id: Id });
export const PasskeyParams = Type.Object({ app_id: Id, user_id: Id, device_id: Id });
export const ActionCodeParams = Type.Object({ app_id: Id, action_code: Id });

export const SessionBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
export const Operator = Type.Object({
  token_id: Type.String(),
  name: Type.String(),
  via: Type.String(),
  session_expires_at: NullableTime,
});
export const SessionCreated = Type.Object({
  session: Type.String({ description: 'Bearer for later calls; shown once.' }),
  expires_at: Time,
  operator: Operator,
});

const RateLimitsSchema = Type.Object(
  {
    startsPerIp: Type.Optional(Type.Integer()),
    startsPerApp: Type.Optional(Type.Integer()),
    failuresPerIp: Type.Optional(Type.Integer()),
    failuresPerApp: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
const Aaguids = Type.Array(Type.String({ minLength: 36, maxLength: 36 }), {
  maxItems: AAGUID_LIST_MAX,
  description: 'AAGUIDs, such as 00000000-0000-0000-0000-000000000000',
});
export const PolicyPatch = Type.Object(
  {
    userVerification: Type.Optional(oneOf(USER_VERIFICATION)),
    attestation: Type.Optional(oneOf(ATTESTATION)),
    residentKey: Type.Optional(oneOf(RESIDENT_KEY)),
    algorithms: Type.Optional(Type.Array(oneOf(ALGORITHM_NAMES), { minItems: 1, maxItems: 3 })),
    ceremonyTtlSeconds: Type.Optional(Type.Integer()),
    transactionTtlSeconds: Type.Optional(Type.Integer()),
    nonceTtlSeconds: Type.Optional(Type.Integer()),
    counterPolicy: Type.Optional(oneOf(COUNTER_POLICY)),
    allowCrossOrigin: Type.Optional(Type.Boolean()),
    allowRemovingLastPasskey: Type.Optional(Type.Boolean()),
    rateLimits: Type.Optional(RateLimitsSchema),
    onRuleError: Type.Optional(oneOf(RULE_ERROR_OUTCOMES)),
    sessionTokens: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean()),
          ttlSeconds: Type.Optional(Type.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
    aaguidAllowList: Type.Optional(Aaguids),
    aaguidDenyList: Type.Optional(Aaguids),
    deviceBinding: Type.Optional(oneOf(DEVICE_BINDING)),
    requireAttestedAuthenticator: Type.Optional(Type.Boolean()),
    hints: Type.Optional(hintsSchema()),
    relatedOrigins: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
        maxItems: 50,
        description:
          'Web origins outside the RP ID that may use it (WebAuthn related origins): https, at most 5 registrable-domain labels. Served as /.well-known/webauthn.',
      }),
    ),
    androidApps: Type.Optional(
      Type.Array(
        Type.Object(
          {
            packageName: Type.String({ minLength: 1, maxLength: 150 }),
            sha256CertFingerprints: Type.Array(Type.String({ minLength: 1, maxLength: 95 }), {
              minItems: 1,
              maxItems: 10,
            }),
            handleAllUrls: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 20,
          description:
            'Android apps that share the passkeys: assetlinks.json, and the android:apk-key-hash origin of each fingerprint is accepted.',
        },
      ),
    ),
    appleAppIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 165 }), {
        maxItems: 20,
        description:
          'Apple apps that share the passkeys, as TEAMID.bundle.id (apple-app-site-association).',
      }),
    ),
  },
  { additionalProperties: false, description: 'Only the fields given change.' },
);
const Origins = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), {
  minItems: 1,
  maxItems: 50,
});
export const CreateAppBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    origins: Origins,
    rp_id: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    policy: Type.Optional(PolicyPatch),
  },
  { additionalProperties: false },
);
export const UpdateAppBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    origins: Type.Optional(Origins),
    rp_id: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    policy: Type.Optional(PolicyPatch),
    force_rp_id_change: Type.Optional(
      Type.Boolean({
        description:
          'Change rp_id although the app has passkeys, which then stop working. Without it such a change gets 409 rp_id_change_refused.',
      }),
    ),
  },
  { additionalProperties: false },
);
export const App = Type.Object({
  app_id: Type.String(),
  name: Type.String(),
  rp_id: Type.String(),
  origins: Type.Array(Type.String()),
  policy: JsonObject,
  created_at: Time,
  updated_at: Time,
});
export const AppCreated = Type.Object({
  app: App,
  api_key: Type.String({ description: 'The first API key; shown once.' }),
  api_key_id: Type.String(),
});
export const Apps = Type.Object({ apps: Type.Array(App) });

export const ApiKey = Type.Object({
  key_id: Type.String(),
  status: oneOf(['active', 'revoked']),
  created_at: Time,
  last_used_at: NullableTime,
  revoked_at: NullableTime,
});
export const ApiKeys = Type.Object({ keys: Type.Array(ApiKey) });
export const ApiKeyCreated = Type.Object({
  key: ApiKey,
  api_key: Type.String({ description: 'The whole key; shown once, never again.' }),
});

export const User = Type.Object({
  user_id: Type.String(),
  external_id: Type.String(),
  display_name: Type.String(),
  status: Type.String(),
  created_at: Time,
  last_login_at: NullableTime,
  login_count: Type.Integer(),
});
const UserSearchText = Type.String({
  maxLength: 200,
  description:
    'Users whose external id starts with this, or whose display name contains it (ignoring ASCII case)',
});
/** The user a record names, as the timeline and the actions list show them. */
const Subject = Type.Union([
  Type.Object({
    user_id: Type.String(),
    external_id: Type.String(),
    display_name: Type.String(),
  }),
  Type.Null(),
]);
export const UsersQuery = Type.Object({
  external_id: Type.Optional(externalIdSchema({ minLength: 0, description: 'A prefix to match' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  q: Type.Optional(UserSearchText),
});
export const Users = Type.Object({ users: Type.Array(User), total: Type.Integer() });
export const Passkey = Type.Object({
  device_id: Type.String(),
  credential_id: Type.String(),
  friendly_name: Type.String(),
  type: Type.String(),
  provider: Type.Union([
    Type.Object({
      name: Type.String(),
      icon_light: Type.Union([Type.String(), Type.Null()]),
      icon_dark: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  aaguid: Type.String(),
  backup_eligible: Type.Boolean(),
  backup_state: Type.Boolean(),
  transports: Type.Array(Type.String()),
  attachment: Type.Union([Type.String(), Type.Null()]),
  created_at: Time,
  last_used_at: NullableTime,
  usage_count: Type.Integer(),
  aaguid_attested: Type.Boolean({
    description:
      "true when the AAGUID was attested against FIDO metadata at registration; false when it is only the authenticator's own claim",
  }),
  prf_enabled: Type.Boolean({
    description: 'The browser reported PRF enabled at registration (client-reported)',
  }),
  created_by_upgrade: Type.Boolean({ description: 'Made by an automatic passkey upgrade' }),
});
export const UserDetail = Type.Object({ user: User, passkeys: Type.Array(Passkey) });

const Rule = Type.Object(
  {
    ruleId: Type.Optional(Type.String()),
    name: Type.String(),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    isActive: Type.Optional(Type.Boolean()),
    priority: Type.Integer(),
    outcome: oneOf(RULE_OUTCOMES),
    conditions: AnyJson,
  },
  { description: 'A rule: a JSONLogic condition over the tracked attributes, and its outcome.' },
);
export const ActionConfigBody = Type.Object({
  defaultOutcome: oneOf(RULE_OUTCOMES),
  rules: Type.Optional(Type.Array(Rule, { maxItems: 50 })),
});
export const ActionConfig = Type.Object({
  action_code: Type.String(),
  default_outcome: Type.String(),
  rules: Type.Array(Type.Unknown()),
  version: Type.Integer(),
  created_at: Time,
  updated_at: Time,
});
export const ActionConfigs = Type.Object({ configs: Type.Array(ActionConfig) });

const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]);
const NullableText = Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]));
export const DryRunBody = Type.Object(
  {
    external_id: Type.Optional(externalIdSchema()),
    attributes: Type.Optional(
      Type.Object(
        {
          custom: Type.Optional(Type.Record(Type.String(), Scalar)),
          ipAddress: NullableText,
          userAgent: NullableText,
          deviceId: NullableText,
          username: NullableText,
          email: NullableText,
          phoneNumber: NullableText,
        },
        { additionalProperties: false },
      ),
    ),
    config: Type.Optional(
      Type.Unknown({ description: 'Unsaved rules to try instead of the stored ones' }),
    ),
  },
  { additionalProperties: false },
);
export const DryRunResult = Type.Object({
  outcome: Type.String(),
  state: Type.String(),
  deciding_rule: Type.Union([Type.Unknown(), Type.Null()]),
  fired: Type.Array(Type.Unknown()),
  failed: Type.Array(Type.Unknown()),
  rule_error_applied: Type.Boolean({
    description: "true when a rule could not be evaluated and the app's onRuleError decided",
  }),
  context: JsonObject,
  user_known: Type.Boolean(),
  config_version: Type.Union([Type.Integer(), Type.Null()]),
});

const TimeRange = {
  since: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, inclusive' })),
  until: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601, exclusive' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
};
export const ActionsQuery = Type.Object({
  external_id: Type.Optional(externalIdSchema()),
  action_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  state: Type.Optional(oneOf(ACTION_STATES)),
  ...TimeRange,
});
export const Action = Type.Object({
  action_id: Type.String(),
  user_id: Type.String(),
  action_code: Type.String(),
  idempotency_key: Type.String(),
  state: Type.String(),
  attributes: JsonObject,
  rules: Type.Array(Type.Unknown()),
  verified_by_credential_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Time,
  state_updated_at: Time,
  validated_at: NullableTime,
  user: Subject,
});
export const Actions = Type.Object({ actions: Type.Array(Action) });

export const AuditQuery = Type.Object({
  app_id: Type.Optional(Id),
  user_id: Type.Optional(Id),
  external_id: Type.Optional(externalIdSchema()),
  type: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Event types, comma-separated' }),
  ),
  ...TimeRange,
  user: Type.Optional(UserSearchText),
});
export const AuditEvent = Type.Object({
  id: Type.String(),
  type: Type.String(),
  at: Time,
  app_id: Type.Union([Type.String(), Type.Null()]),
  user_id: Type.Union([Type.String(), Type.Null()]),
  credential_id: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  data: Type.Union([JsonObject, Type.Null()]),
  user: Subject,
  actor_name: Type.Union([Type.String(), Type.Null()]),
  credential: Type.Union([
    Type.Object({
      friendly_name: Type.String(),
      provider: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
});
export const AuditEvents = Type.Object({ events: Type.Array(AuditEvent) });

export const StatsQuery = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
  range: Type.Optional(oneOf(Object.keys(STATS_RANGES) as Array<keyof typeof STATS_RANGES>)),
});
const CeremonyCounts = {
  started: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  abandoned: Type.Integer(),
};
export const Stats = Type.Object({
  days: Type.Array(Type.Object({ day: Type.String(), ...CeremonyCounts })),
  since: Time,
  until: Time,
  bucket_seconds: Type.Integer(),
  buckets: Type.Array(Type.Object({ start: Time, ...CeremonyCounts })),
  in_progress: Type.Integer(),
  failure_reasons: Type.Record(Type.String(), Type.Integer()),
  actions_by_code: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
  rule_fires: Type.Record(Type.String(), Type.Integer()),
  passkey_creations: Type.Object({
    created: Type.Integer({ description: 'Passkeys made (registrations that succeeded)' }),
    upgrades: Type.Integer({ description: 'Of those, made by an automatic passkey upgrade' }),
    failed: Type.Integer({ description: 'Registrations that failed' }),
  }),
});

export const Vocabulary = Type.Object({
  audit_event_types: Type.Array(Type.String()),
  rule_outcomes: Type.Array(Type.String()),
  action_states: Type.Array(Type.String()),
  rule_variables: Type.Record(Type.String(), Type.String()),
  policy_defaults: JsonObject,
});

/** The errors every authenticated route may answer with. */
export const errors: Record<number, TSchema> = {
  400: AdminError,
  401: AdminError,
  404: AdminError,
  409: AdminError,
};

export const SigningKey = Type.Object({
  key_id: Type.String(),
  algorithm: Type.Literal('ES256'),
  status: Type.Union([Type.Literal('active'), Type.Literal('retiring')]),
  created_at: Time,
  retires_at: NullableTime,
});
export const SigningKeys = Type.Object({ keys: Type.Array(SigningKey) });
export const RotateSigningKeyBody = Type.Object(
  {
    overlap_seconds: Type.Optional(
      Type.Integer({
        description:
          'How long the previous keys stay published; at least the token lifetime plus a minute (default: plus five minutes)',
      }),
    ),
  },
  { additionalProperties: false },
);
export const SigningKeyRotated = Type.Object({ key: SigningKey, retired: Type.Integer() });
/** The FIDO metadata in use (`latchkey mds load`), or null when none was loaded. */
export const AuthenticatorMetadata = Type.Object({
  metadata: Type.Union([
    Type.Object({
      serial: Type.Integer({ description: "the blob's number (no)" }),
      next_update: Type.String({ description: "the blob's nextUpdate date" }),
      entries: Type.Integer({ description: 'FIDO2 authenticators the blob lists' }),
      loaded_at: Time,
      stale: Type.Boolean({ description: 'past next_update: load a newer blob' }),
    }),
    Type.Null(),
  ]),
});
