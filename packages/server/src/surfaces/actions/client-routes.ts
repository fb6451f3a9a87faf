import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type AppRecord,
  authenticateTenant,
  createSignInChallenge,
  findRegisteredPasskey,
  finishStepUpAuthentication,
  finishStepUpRegistration,
  LatchkeyError,
  listTokenUserPasskeys,
  type Runtime,
  resolveToken,
  startStepUpAuthentication,
  startStepUpRegistration,
} from '@latchkey/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestContext } from '../../http/request-context.ts';
import {
  normalizeAuthenticationResponse,
  normalizeRegistrationResponse,
} from '../flex/normalize-response.ts';
import { bearerToken, tenantId } from './credentials-header.ts';
import { authenticatorJson } from './presenters.ts';
import {
  AddPasskeyBody,
  AuthenticationOptionsBody,
  Availability,
  AvailabilityQuery,
  CeremonyOptions,
  ChallengeBody,
  ChallengeCreated,
  PasskeyAdded,
  PasskeyVerified,
  RegistrationOptionsBody,
  VerifyBody,
} from './schemas/client.ts';
import { Authenticators, ACTIONS_ERROR_RESPONSES as errors } from './schemas/common.ts';

const tags = ['actions client'];
type Caller = { token: string } | { app: AppRecord };

/** Bearer token when there is one, else the Basic tenant scheme; neither is an error. */
async function caller(runtime: Runtime, request: FastifyRequest): Promise<Caller> {
  const token = bearerToken(request);
  if (token !== null) return { token };
  const tenant = tenantId(request);
  if (tenant === null) throw new LatchkeyError('unauthorized', 'missing Authorization header');
  return { app: await authenticateTenant(runtime, tenant) };
}

async function requireToken(runtime: Runtime, request: FastifyRequest): Promise<string> {
  const found = await caller(runtime, request);
  if (!('token' in found)) throw new LatchkeyError('invalid_token', 'this call needs a token');
  return found.token;
}

/**
 * The client API of the actions contract: what `@authsignal/browser`'s passkey module calls from
 * the page. Every answer is JSON, errors included, because the SDK reads only the body.
 */
export function registerClientRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/v1/client/user-authenticators/passkey/registration-options',
    {
      schema: {
        tags,
        summary: 'passkey.signUp step 1: creation options (Bearer token)',
        body: RegistrationOptionsBody,
        response: { 200: CeremonyOptions, ...errors },
      },
    },
    async (request) => {
      const token = await requireToken(runtime, request);
      return startStepUpRegistration(
        runtime,
        {
          token,
          username: request.body.username ?? null,
          displayName: request.body.displayName ?? null,
          authenticatorAttachment: request.body.authenticatorAttachment ?? null,
          ...(request.body.hints ? { hints: request.body.hints } : {}),
        },
        requestContext(request),
      );
    },
  );

  r.post(
    '/v1/client/user-authenticators/passkey',
    {
      schema: {
        tags,
        summary: 'passkey.signUp step 2: add the passkey (Bearer token)',
        body: AddPasskeyBody,
        response: { 200: PasskeyAdded, ...errors },
      },
    },
    async (request) => {
      const token = await requireToken(runtime, request);
      // Conditional create (a passkey made without user presence) is not offered for step-up.
      if (request.body.conditionalCreate === true) {
        throw new LatchkeyError('invalid_request', 'conditional create is not supported');
      }
      const done = await finishStepUpRegistration(
        runtime,
        {
          token,
          challengeId: request.body.challengeId,
          response: normalizeRegistrationResponse(request.body.registrationCredential),
        },
        requestContext(request),
      );
      return {
        isVerified: true,
        accessToken: done.token,
        userAuthenticatorId: done.credential.id,
        userId: done.user.externalId,
        userAuthenticator: authenticatorJson(done.user, done.credential),
      };
    },
  );

  r.post(
    '/v1/client/challenge',
    {
      schema: {
        tags,
        summary: 'passkey.signIn({action}) step 1: a challenge (Basic tenant)',
        body: ChallengeBody,
        response: { 200: ChallengeCreated, ...errors },
      },
    },
    async (request) => {
      const found = await caller(runtime, request);
      if (!('app' in found)) {
        throw new LatchkeyError(
          'invalid_request',
          'a challenge for a tracked action comes with its token',
        );
      }
      const { challengeId } = await createSignInChallenge(
        runtime,
        { app: found.app, actionCode: request.body.action ?? null },
        requestContext(request),
      );
      return { challengeId };
    },
  );

  r.post(
    '/v1/client/user-authenticators/passkey/authentication-options',
    {
      schema: {
        tags,
        summary: 'passkey.signIn step 2: request options',
        body: AuthenticationOptionsBody,
        response: { 200: CeremonyOptions, ...errors },
      },
    },
    async (request) => {
      const found = await caller(runtime, request);
      const hints = request.body.hints ? { hints: request.body.hints } : {};
      return startStepUpAuthentication(
        runtime,
        'token' in found
          ? { token: found.token, ...hints }
          : { app: found.app, challengeId: request.body.challengeId ?? null, ...hints },
        requestContext(request),
      );
    },
  );

  r.post(
    '/v1/client/verify/passkey',
    {
      schema: {
        tags,
        summary: 'passkey.signIn step 3: verify the assertion',
        body: VerifyBody,
        response: { 200: PasskeyVerified, ...errors },
      },
    },
    async (request) => {
      const found = await caller(runtime, request);
      const verified = await finishStepUpAuthentication(
        runtime,
        {
          ...found,
          challengeId: request.body.challengeId,
          response: normalizeAuthenticationResponse(request.body.authenticationCredential),
        },
        requestContext(request),
      );
      return {
        isVerified: true,
        accessToken: verified.token,
        userId: verified.user.externalId,
        userAuthenticatorId: verified.credential.id,
        username: verified.user.displayName,
        userDisplayName: verified.user.displayName,
      };
    },
  );

  r.get(
    '/v1/client/user-authenticators/passkey',
    {
      schema: {
        tags,
        summary:
          'passkey.isAvailableOnDevice: 200 when one of these credential ids is registered (with a token: to its user)',
        querystring: AvailabilityQuery,
        response: { 200: Availability, ...errors },
      },
    },
    async (request) => {
      const found = await caller(runtime, request);
      // With the app id alone (anyone can send it), the answer is only what the browser already
      // holds: that a credential id it stored is still registered. Who owns it, and the device
      // facts, are told only to a token of that user.
      const { appId, userId }: { appId: string; userId: string | null } =
        'app' in found
          ? { appId: found.app.id, userId: null }
          : (await resolveToken(runtime, found, requestContext(request))).action;
      const credentialIds = (request.query.credentialIds ?? '').split(',').filter(Boolean);
      const passkey = await findRegisteredPasskey(runtime, { appId, userId, credentialIds });
      if (!passkey)
        throw new LatchkeyError('device_not_found', 'no registered passkey among these');
      return passkey.user === null
        ? { credentialId: passkey.credential.credentialId }
        : authenticatorJson(passkey.user, passkey.credential);
    },
  );

  r.get(
    '/v1/client/user-authenticators',
    {
      schema: {
        tags,
        summary: "The token's user's passkeys (Bearer token)",
        response: { 200: Authenticators, ...errors },
      },
    },
    async (request) => {
      const token = await requireToken(runtime, request);
      const { user, credentials } = await listTokenUserPasskeys(
        runtime,
        { token },
        requestContext(request),
      );
      return credentials.map((c) => authenticatorJson(user, c));
    },
  );
}
