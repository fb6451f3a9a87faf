/**
 * TypeBox schemas of the actions server API: what `@authsignal/node` sends with the app's secret
 * key and what it reads back. Routes validate with them and `/openapi.json` is generated from them.
 */
import { RULE_LIMITS, RULE_OUTCOMES } from '@latchkey/core';
import { type Static, Type } from '@sinclair/typebox';
import { externalIdSchema } from '../../../http/external-id-schema.ts';
import { ActionState, oneOf, Time, VerificationMethods } from './common.ts';

/** A rule's outcome, and an action code's default. */
const Outcome = oneOf(RULE_OUTCOMES);
const ActionCode = Type.String({ minLength: 1, maxLength: 64 });
/** What the core keeps of a tracked text attribute; null means absent. */
const Text = Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()]));

export const UserParams = Type.Object({ userId: externalIdSchema() });
export const ActionParams = Type.Object({ userId: externalIdSchema(), action: ActionCode });
export const KeyParams = Type.Object({
  userId: externalIdSchema(),
  action: ActionCode,
  idempotencyKey: Type.String({ minLength: 1, maxLength: 200 }),
});
export const AuthenticatorParams = Type.Object({
  userId: externalIdSchema(),
  authenticatorId: Type.String({ minLength: 1, maxLength: 100 }),
});

/** What the passkey that meets an action's challenge must be (docs/actions.md). */
export const PasskeyRequirementSchema = Type.Object(
  {
    deviceBound: Type.Optional(
      Type.Boolean({ description: 'a device-bound passkey (BE=0 at registration)' }),
    ),
    attested: Type.Optional(
      Type.Boolean({ description: 'a passkey whose AAGUID was attested against FIDO metadata' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The attributes of a track (the body is the attributes object itself). The fields latchkey reads
 * are typed; any others (the SDK's `locale`, `redirectToSettings`, …) are kept with the action.
 */
export const TrackBody = Type.Object(
  {
    idempotencyKey: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
    ),
    redirectUrl: Text,
    ipAddress: Text,
    userAgent: Text,
    deviceId: Text,
    scope: Text,
    email: Text,
    phoneNumber: Text,
    username: Text,
    custom: Type.Optional(
      Type.Union([
        Type.Object(
          {},
          {
            additionalProperties: Type.Union([
              Type.String({ maxLength: 1024 }),
              Type.Number(),
              Type.Boolean(),
            ]),
            maxProperties: 50,
            propertyNames: { maxLength: 100 },
            description: 'Rule data: at most 50 names, each a string, a number or a boolean',
          },
        ),
        Type.Null(),
      ]),
    ),
    passkeyRequirement: Type.Optional(Type.Union([PasskeyRequirementSchema, Type.Null()])),
  },
  { additionalProperties: true },
);
export type TrackBody = Static<typeof TrackBody>;

export const Tracked = Type.Object({
  state: ActionState,
  idempotencyKey: Type.String(),
  url: Type.String({ description: 'The page to send the user to; already holds a "?"' }),
  token: Type.String(),
  ...VerificationMethods,
  ruleIds: Type.Array(Type.String()),
});

export const ValidateBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 512 }),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    userId: Type.Optional(externalIdSchema({ minLength: 0 })),
  },
  { additionalProperties: true },
);

export const Validated = Type.Object({
  isValid: Type.Boolean(),
  state: Type.Optional(ActionState),
  stateUpdatedAt: Type.Optional(Time),
  userId: Type.Optional(Type.String()),
  actionCode: Type.Optional(Type.String()),
  idempotencyKey: Type.Optional(Type.String()),
  verificationMethod: Type.Optional(Type.Literal('PASSKEY')),
  verifiedByAuthenticatorId: Type.Optional(Type.String()),
  custom: Type.Optional(Type.Object({}, { additionalProperties: true })),
  attributesHash: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  passkeyRequirement: Type.Optional(Type.Union([PasskeyRequirementSchema, Type.Null()])),
  verifiedPasskey: Type.Optional(
    Type.Object(
      {
        userAuthenticatorId: Type.String(),
        credentialId: Type.String(),
        aaguid: Type.String(),
        aaguidAttested: Type.Boolean(),
        deviceBound: Type.Boolean(),
        backedUp: Type.Boolean(),
        userVerified: Type.Boolean(),
      },
      { description: 'The passkey that met the challenge, and what latchkey knows of it' },
    ),
  ),
  error: Type.Optional(Type.String()),
  errorDescription: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  sessionToken: Type.Optional(
    Type.String({
      description:
        'A signed session token (JWT) for a valid result, when the app has session tokens on; see docs/session-tokens.md',
    }),
  ),
});

export const ActionsUser = Type.Object({
  emailVerified: Type.Boolean(),
  phoneNumberVerified: Type.Boolean(),
  username: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  ...VerificationMethods,
});

/**
 * The SDK's user attributes. latchkey keeps only the display name (`displayName`, else
 * `username`); the rest is accepted and answered back, as the contract has it.
 */
export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    username: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  },
  { additionalProperties: true },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;
/** `updateUser` answers with the attributes it was sent. */
export const UpdatedUser = Type.Object({}, { additionalProperties: true });

export const ActionsQuery = Type.Object({
  fromDate: Type.Optional(Type.String({ maxLength: 40, description: 'An ISO 8601 date' })),
  codes: Type.Optional(Type.String({ maxLength: 2000, description: 'Action codes, a,b,c' })),
  state: Type.Optional(ActionState),
});

const VerifiedBy = {
  verificationMethod: Type.Optional(Type.Literal('PASSKEY')),
  verifiedByAuthenticatorId: Type.Optional(Type.String()),
};
export const ActionSummary = Type.Object({
  actionCode: Type.String(),
  idempotencyKey: Type.String(),
  createdAt: Time,
  updatedAt: Time,
  state: ActionState,
  stateUpdatedAt: Time,
  ruleIds: Type.Array(Type.String()),
  ...VerifiedBy,
});

export const ActionSummaries = Type.Array(ActionSummary);

const NullableString = Type.Union([Type.String(), Type.Null()]);
export const ActionDetail = Type.Object({
  state: ActionState,
  stateUpdatedAt: Time,
  createdAt: Time,
  verificationMethod: Type.Optional(Type.Literal('PASSKEY')),
  rules: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      name: Type.String(),
      description: Type.Optional(Type.String()),
    }),
  ),
  output: Type.Object({
    actionCode: Type.String(),
    idempotencyKey: Type.String(),
    custom: Type.Object({}, { additionalProperties: true }),
    attributesHash: NullableString,
    verifiedByAuthenticatorId: NullableString,
    validatedAt: Type.Union([Time, Type.Null()]),
    stateChanges: Type.Array(
      Type.Object({
        fromState: Type.Union([ActionState, Type.Null()]),
        toState: ActionState,
        at: Time,
        ruleIds: Type.Array(Type.String()),
        verifiedByAuthenticatorId: NullableString,
        reason: NullableString,
      }),
    ),
  }),
});

export const UpdateActionBody = Type.Object({ state: ActionState });
export const ActionStateOnly = Type.Object({ state: ActionState });

/** The core then checks what a schema cannot: a name not blank, a ruleId of the code pattern. */
const RuleText = Type.String({ maxLength: RULE_LIMITS.textLength });
/** A rule as `PUT /v1/action-configs/:actionCode` takes it; `type` is the contract's name. */
const RuleBody = Type.Object(
  {
    ruleId: Type.Optional(RuleText),
    name: RuleText,
    description: Type.Optional(Type.Union([RuleText, Type.Null()])),
    isActive: Type.Optional(Type.Boolean()),
    priority: Type.Integer({ minimum: 0, maximum: 99 }),
    outcome: Type.Optional(Outcome),
    type: Type.Optional(Outcome),
    conditions: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Boolean()], {
      description: 'A JSONLogic condition over the rule variables (docs/actions.md)',
    }),
  },
  { additionalProperties: false },
);
export const ActionConfigBody = Type.Object(
  {
    defaultOutcome: Outcome,
    rules: Type.Optional(Type.Array(RuleBody, { maxItems: 50 })),
    passkeyRequirement: Type.Optional(Type.Union([PasskeyRequirementSchema, Type.Null()])),
  },
  { additionalProperties: false },
);
export const CodeParams = Type.Object({ actionCode: ActionCode });
export const ActionConfigJson = Type.Object({
  actionCode: Type.String(),
  defaultOutcome: Outcome,
  rules: Type.Array(
    Type.Object(
      {
        ruleId: Type.String(),
        name: Type.String(),
        description: NullableString,
        isActive: Type.Boolean(),
        priority: Type.Integer(),
        outcome: Outcome,
        conditions: Type.Unknown(),
      },
      { additionalProperties: true },
    ),
  ),
  version: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  passkeyRequirement: Type.Optional(Type.Union([PasskeyRequirementSchema, Type.Null()])),
});

export const ActionConfigList = Type.Array(ActionConfigJson);
