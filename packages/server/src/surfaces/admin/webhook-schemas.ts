/** TypeBox schemas of the admin API's webhook routes (see docs/webhooks.md). */
import {
  MAX_WEBHOOK_DESCRIPTION_LENGTH,
  MAX_WEBHOOK_URL_LENGTH,
  WEBHOOK_DELIVERY_STATES,
  WEBHOOK_EVENT_TYPES,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import { Id, NullableTime, oneOf, Time } from './schemas.ts';

/** Delivery ids are the event's id and the endpoint's, joined by a dot. */
const DeliveryId = Type.String({ minLength: 1, maxLength: 130 });
const EventType = oneOf(WEBHOOK_EVENT_TYPES);

export const EndpointParams = Type.Object({ app_id: Id, endpoint_id: Id });
export const DeliveryParams = Type.Object({ app_id: Id, delivery_id: DeliveryId });

const Url = Type.String({ minLength: 1, maxLength: MAX_WEBHOOK_URL_LENGTH });
const Description = Type.String({ maxLength: MAX_WEBHOOK_DESCRIPTION_LENGTH });
const Events = Type.Array(EventType, {
  maxItems: WEBHOOK_EVENT_TYPES.length,
  description: 'The events to deliver; empty or absent: all of them.',
});

export const CreateEndpointBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    events: Type.Optional(Events),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    events: Type.Optional(Events),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RotateSecretBody = Type.Object(
  {
    overlap_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30 * 86_400,
        description: 'How long the old secret keeps signing beside the new one. Default one day.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Endpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  events: Type.Array(EventType),
  previous_secret_expires_at: Type.Union([Time, Type.Null()], {
    description: 'Until when the secret before the last rotation still signs.',
  }),
  created_at: Time,
  updated_at: Time,
});

export const Endpoints = Type.Object({
  endpoints: Type.Array(Endpoint),
  event_types: Type.Array(EventType, { description: 'Every event an endpoint can ask for.' }),
});

export const EndpointWithSecret = Type.Object({
  endpoint: Endpoint,
  secret: Type.String({ description: '`whsec_…`: shown only in this response.' }),
});

export const DeliveriesQuery = Type.Object({
  endpoint_id: Type.Optional(Id),
  state: Type.Optional(oneOf(WEBHOOK_DELIVERY_STATES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const Delivery = Type.Object({
  id: Type.String(),
  endpoint_id: Type.String(),
  event_id: Type.String({ description: 'The `webhook-id` header: the same on every attempt.' }),
  event_type: EventType,
  event_at: Time,
  state: oneOf(WEBHOOK_DELIVERY_STATES),
  attempts: Type.Integer(),
  next_attempt_at: NullableTime,
  last_status: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  delivered_at: NullableTime,
  created_at: Time,
});

export const Deliveries = Type.Object({ deliveries: Type.Array(Delivery) });

export const Attempt = Type.Object({
  at: Time,
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  duration_ms: Type.Integer(),
});

export const DeliveryDetail = Type.Object({
  delivery: Delivery,
  payload: Type.String({ description: 'The body as it is sent.' }),
  attempts: Type.Array(Attempt),
});
