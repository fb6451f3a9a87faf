import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  finishAuthentication,
  finishRegistration,
  getApp,
  isLatchkeyError,
  LatchkeyError,
  type Runtime,
  startAuthentication,
  startRegistration,
} from '@latchkey/core';
import type { FastifyInstance } from 'fastify';
import { publicMessage } from '../../http/public-messages.ts';
import { requestContext } from '../../http/request-context.ts';
import { FLEX_ERRORS } from './flex-errors.ts';
import {
  normalizeAuthenticationResponse,
  normalizeRegistrationResponse,
  optionalTransactionId,
} from './normalize-response.ts';
import {
  AppParams,
  AuthenticateFailedBody,
  AuthenticateFinishBody,
  AuthenticateStartBody,
  CeremonyFinishedResponse,
  ErrorBody,
  HandshakeResponse,
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
      const { hints } = request.body;
      const started = await startRegistration(
        runtime,
        {
          appId: request.params.app_id,
          transactionId,
          ...(attachment ? { authenticatorAttachment: attachment } : {}),
          ...(hints ? { hints } : {}),
        },
        requestContext(request),
      );
      return {
        handshake: {
          id: started.ceremonyId,
          challenge: { publicKey: started.options },
          ...(started.upgrade ? { mediation: 'conditional' as const } : {}),
        },
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
        response: { 200: CeremonyFinishedResponse, ...errors },
      },
    },
    async (request) => {
      const finished = await finishRegistration(
        runtime,
        {
          appId: request.params.app_id,
          ceremonyId: request.body.handshake_id,
          transactionId: optionalTransactionId(request.body.transaction_id),
          response: normalizeRegistrationResponse(request.body.handshake_response),
        },
        requestContext(request),
      );
      return presentFinished(finished);
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
          ...(request.body?.hints ? { hints: request.body.hints } : {}),
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
        response: { 200: CeremonyFinishedResponse, ...errors, 401: AuthenticateFailedBody },
      },
    },
    async (request, reply) => {
      const appId = request.params.app_id;
      const response = normalizeAuthenticationResponse(request.body.handshake_response);
      try {
        const finished = await finishAuthentication(
          runtime,
          {
            appId,
            ceremonyId: request.body.handshake_id,
            transactionId: optionalTransactionId(request.body.transaction_id),
            response,
          },
          requestContext(request),
        );
        return presentFinished(finished);
      } catch (error) {
        if (!isLatchkeyError(error, 'credential_unknown')) throw error;
        // The browser may tell the authenticator to forget this passkey (signalUnknownCredential).
        // Only the RP ID and the client's own credential id are added: nothing that names a user.
        const app = await getApp(runtime, appId);
        const mapped = FLEX_ERRORS.credential_unknown;
        request.log.info(
          { surface: 'flex', code: error.code, reason: error.reason, detail: error.message },
          'request refused',
        );
        return reply.code(mapped.status).send({
          code: mapped.code,
          error: publicMessage(error),
          rp_id: app.rpId,
          credential_id: response.id,
        });
      }
    },
  );
}

/** The finish answer: the contract's nonce and the Signal API data. */
function presentFinished(finished: {
  nonce: string;
  rpId: string;
  userHandle: string;
  acceptedCredentialIds: string[];
}): {
  nonce: string;
  rp_id: string;
  user_handle: string;
  accepted_credential_ids: string[];
} {
  return {
    nonce: finished.nonce,
    rp_id: finished.rpId,
    user_handle: finished.userHandle,
    accepted_credential_ids: finished.acceptedCredentialIds,
  };
}
