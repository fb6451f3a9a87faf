import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  finishAuthentication,
  finishRegistration,
  LatchkeyError,
  type Runtime,
  startAuthentication,
  startRegistration,
} from '@latchkey/core';
import type { FastifyInstance } from 'fastify';
import { requestContext } from '../../http/request-context.ts';
import {
  normalizeAuthenticationResponse,
  normalizeRegistrationResponse,
  optionalTransactionId,
} from './normalize-response.ts';
import {
  AppParams,
  AuthenticateFinishBody,
  AuthenticateStartBody,
  ErrorBody,
  HandshakeResponse,
  NonceResponse,
  RegisterFinishBody,
  RegisterStartBody,
} from './schemas.ts';

const tags = ['flex auth'];
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/**
 * The flex auth API: what the browser (or a native app) calls to run WebAuthn ceremonies. No
 * Authorization header; CORS for the app's origins.
 */
export function registerAuthRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/v1/apps/:app_id/register/transactions/webauthn/start',
    {
      schema: {
        tags,
        summary: 'Start registering a passkey for a register transaction',
        params: AppParams,
        body: RegisterStartBody,
        response: { 200: HandshakeResponse, ...errors },
      },
    },
    async (request) => {
      const transactionId = optionalTransactionId(request.body.transaction_id);
      if (transactionId === null) {
        throw new LatchkeyError('invalid_request', 'transaction_id is required');
      }
      const attachment = request.body.authenticator_attachment ?? undefined;
      const started = await startRegistration(
        runtime,
        {
          appId: request.params.app_id,
          transactionId,
          ...(attachment ? { authenticatorAttachment: attachment } : {}),
        },
        requestContext(request),
      );
      return {
        handshake: { id: started.ceremonyId, challenge: { publicKey: started.options } },
        transaction_id: started.transactionId,
      };
    },
  );

  r.post(
    '/v1/apps/:app_id/register/transactions/webauthn/finish',
    {
      schema: {
        tags,
        summary: 'Finish registering; returns a nonce for the app backend',
        params: AppParams,
        body: RegisterFinishBody,
        response: { 200: NonceResponse, ...errors },
      },
    },
    async (request) => {
      const { nonce } = await finishRegistration(
        runtime,
        {
          appId: request.params.app_id,
          ceremonyId: request.body.handshake_id,
          transactionId: optionalTransactionId(request.body.transaction_id),
          response: normalizeRegistrationResponse(request.body.handshake_response),
        },
        requestContext(request),
      );
      return { nonce };
    },
  );

  r.post(
    '/v1/apps/:app_id/authenticate/transactions/webauthn/start',
    {
      schema: {
        tags,
        summary: 'Start a sign-in, with a transaction or discoverable (empty body)',
        params: AppParams,
        body: AuthenticateStartBody,
        response: { 200: HandshakeResponse, ...errors },
      },
    },
    async (request) => {
      const started = await startAuthentication(
        runtime,
        {
          appId: request.params.app_id,
          transactionId: optionalTransactionId(request.body?.transaction_id),
        },
        requestContext(request),
      );
      return {
        handshake: { id: started.ceremonyId, challenge: { publicKey: started.options } },
        transaction_id: started.transactionId,
      };
    },
  );

  r.post(
    '/v1/apps/:app_id/authenticate/transactions/webauthn/finish',
    {
      schema: {
        tags,
        summary: 'Finish a sign-in; returns a nonce naming the user',
        params: AppParams,
        body: AuthenticateFinishBody,
        response: { 200: NonceResponse, ...errors },
      },
    },
    async (request) => {
      const { nonce } = await finishAuthentication(
        runtime,
        {
          appId: request.params.app_id,
          ceremonyId: request.body.handshake_id,
          transactionId: optionalTransactionId(request.body.transaction_id),
          response: normalizeAuthenticationResponse(request.body.handshake_response),
        },
        requestContext(request),
      );
      return { nonce };
    },
  );
}
