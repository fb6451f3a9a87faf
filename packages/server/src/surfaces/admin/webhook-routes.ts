import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  createWebhookEndpoint,
  getWebhookDelivery,
  listWebhookDeliveries,
  listWebhookEndpoints,
  type Runtime,
  redeliverWebhook,
  removeWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  WEBHOOK_EVENT_TYPES,
  type WebhookNetworkPolicy,
  webhookPayload,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { asOperator } from './operator-request.ts';
import { AppParams, errors } from './schemas.ts';
import { presentAttempt, presentDelivery, presentEndpoint } from './webhook-presenters.ts';
import {
  CreateEndpointBody,
  Deliveries,
  DeliveriesQuery,
  DeliveryDetail,
  DeliveryParams,
  Endpoint,
  EndpointParams,
  Endpoints,
  EndpointWithSecret,
  RotateSecretBody,
  UpdateEndpointBody,
} from './webhook-schemas.ts';

const tags = ['admin: webhooks'];
const security = [{ operatorToken: [] }];
/** An app's webhook endpoints, their deliveries, redelivery and secret rotation. */
export function registerWebhookRoutes(
  app: FastifyInstance,
  runtime: Runtime,
  network: WebhookNetworkPolicy,
): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/apps/:app_id/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'An app’s webhook endpoints (never their secrets) and the events on offer',
        params: AppParams,
        response: { 200: Endpoints, ...errors },
      },
    },
    async (request) => ({
      endpoints: (await listWebhookEndpoints(runtime, request.params.app_id)).map(presentEndpoint),
      event_types: [...WEBHOOK_EVENT_TYPES],
    }),
  );

  r.post(
    '/apps/:app_id/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'Add a webhook endpoint; its signing secret is in this response only',
        params: AppParams,
        body: CreateEndpointBody,
        response: { 201: EndpointWithSecret, ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const { body } = request;
      const created = await createWebhookEndpoint(
        acting,
        {
          appId: request.params.app_id,
          url: body.url,
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.events === undefined ? {} : { events: body.events }),
          ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
        },
        network,
        context,
      );
      return reply
        .code(201)
        .send({ endpoint: presentEndpoint(created.endpoint), secret: created.secret });
    },
  );

  r.patch(
    '/apps/:app_id/webhooks/:endpoint_id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a webhook endpoint’s URL, description, events, or turn it off and on',
        params: EndpointParams,
        body: UpdateEndpointBody,
        response: { 200: Endpoint, ...errors },
      },
    },
    async (request) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const { body } = request;
      const updated = await updateWebhookEndpoint(
        acting,
        {
          appId: request.params.app_id,
          endpointId: request.params.endpoint_id,
          ...(body.url === undefined ? {} : { url: body.url }),
          ...(body.description === undefined ? {} : { description: body.description }),
          ...(body.events === undefined ? {} : { events: body.events }),
          ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
        },
        network,
        context,
      );
      return presentEndpoint(updated);
    },
  );

  r.delete(
    '/apps/:app_id/webhooks/:endpoint_id',
    {
      schema: {
        tags,
        security,
        summary: 'Remove a webhook endpoint and its deliveries',
        params: EndpointParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      await removeWebhookEndpoint(
        acting,
        { appId: request.params.app_id, endpointId: request.params.endpoint_id },
        context,
      );
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/apps/:app_id/webhooks/:endpoint_id/rotate-secret',
    {
      schema: {
        tags,
        security,
        summary: 'Give an endpoint a new secret; the old one keeps signing for the overlap',
        params: EndpointParams,
        body: Type.Optional(RotateSecretBody),
        response: { 200: EndpointWithSecret, ...errors },
      },
    },
    async (request) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const seconds = request.body?.overlap_seconds;
      const rotated = await rotateWebhookSecret(
        acting,
        {
          appId: request.params.app_id,
          endpointId: request.params.endpoint_id,
          ...(seconds === undefined ? {} : { overlapMs: seconds * 1000 }),
        },
        context,
      );
      return { endpoint: presentEndpoint(rotated.endpoint), secret: rotated.secret };
    },
  );

  r.get(
    '/apps/:app_id/webhook-deliveries',
    {
      schema: {
        tags,
        security,
        summary: 'An app’s recent webhook deliveries, newest first',
        params: AppParams,
        querystring: DeliveriesQuery,
        response: { 200: Deliveries, ...errors },
      },
    },
    async (request) => {
      const { query } = request;
      const deliveries = await listWebhookDeliveries(runtime, {
        appId: request.params.app_id,
        ...(query.endpoint_id === undefined ? {} : { endpointId: query.endpoint_id }),
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.limit === undefined ? {} : { limit: query.limit }),
      });
      return { deliveries: deliveries.map(presentDelivery) };
    },
  );

  r.get(
    '/apps/:app_id/webhook-deliveries/:delivery_id',
    {
      schema: {
        tags,
        security,
        summary: 'One webhook delivery, its payload and its attempts',
        params: DeliveryParams,
        response: { 200: DeliveryDetail, ...errors },
      },
    },
    async (request) => {
      const found = await getWebhookDelivery(
        runtime,
        request.params.app_id,
        request.params.delivery_id,
      );
      return {
        delivery: presentDelivery(found.delivery),
        payload: webhookPayload(found.delivery),
        attempts: found.attempts.map(presentAttempt),
      };
    },
  );

  r.post(
    '/apps/:app_id/webhook-deliveries/:delivery_id/redeliver',
    {
      schema: {
        tags,
        security,
        summary: 'Send a delivery again (same webhook-id), whatever its state',
        params: DeliveryParams,
        response: { 202: Type.Object({ delivery: DeliveryDetail.properties.delivery }), ...errors },
      },
    },
    async (request, reply) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const { app_id: appId, delivery_id: deliveryId } = request.params;
      await redeliverWebhook(acting, { appId, deliveryId }, context);
      const found = await getWebhookDelivery(runtime, appId, deliveryId);
      return reply.code(202).send({ delivery: presentDelivery(found.delivery) });
    },
  );
}
