import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  appWellKnownDocument,
  type Runtime,
  rpIdWellKnownDocument,
  WELL_KNOWN_FILES,
  type WellKnownFile,
} from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { sendHttpFailure, sendSurfaceError } from '../../http/surface-error-handler.ts';
import { SYSTEM_ERROR_SHAPE } from '../error-shapes.ts';

const tags = ['well-known documents'];
const AppParams = Type.Object({ app_id: Type.String({ minLength: 1, maxLength: 64 }) });
const WellKnownError = Type.Object({ code: Type.String(), error: Type.String() });

/** What each document is, for the API description. */
const SUMMARIES: Record<WellKnownFile, string> = {
  webauthn: 'WebAuthn related origins, {"origins": [...]}: the app’s related origins',
  'assetlinks.json':
    'Android Digital Asset Links: get_login_creds (and handle_all_urls where asked) for each Android app',
  'apple-app-site-association': 'Apple app site association: webcredentials.apps, TEAMID.bundle.id',
};

/**
 * Browsers and phones fetch these documents themselves, often; a few minutes of caching keeps a
 * settings change quick to take effect.
 */
const CACHE_CONTROL = 'public, max-age=300';

function send(reply: FastifyReply, file: WellKnownFile, document: unknown): FastifyReply {
  if (document === null) {
    const message = `this app has no settings for ${file}`;
    return sendHttpFailure(SYSTEM_ERROR_SHAPE, 'not_found', message, reply.request, reply);
  }
  // Apple's fetcher needs application/json, with no redirect, whatever the file's name.
  return reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', CACHE_CONTROL)
    .send(JSON.stringify(document));
}

/**
 * The well-known documents of each app, made from its settings: per app at
 * `/v1/apps/{app_id}/.well-known/{file}`, and at `/.well-known/{file}` for the apps whose RP ID is
 * the request's host name, for an RP ID domain that proxies its `/.well-known/` here.
 */
export async function wellKnownSurface(
  app: FastifyInstance,
  options: { runtime: Runtime },
): Promise<void> {
  const { runtime } = options;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  // Documents, not an API: their errors are the system shape's `{"code", "error"}`, per app too.
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendSurfaceError(SYSTEM_ERROR_SHAPE, error, request, reply),
  );
  for (const file of WELL_KNOWN_FILES) {
    r.get(
      `/v1/apps/:app_id/.well-known/${file}`,
      {
        schema: {
          tags,
          summary: `${SUMMARIES[file]} (host it at https://RP_ID/.well-known/${file})`,
          params: AppParams,
          response: { 200: Type.Unknown(), 404: WellKnownError },
        },
      },
      async (request, reply) =>
        send(
          reply,
          file,
          await appWellKnownDocument(runtime, { appId: request.params.app_id, file }),
        ),
    );
    r.get(
      `/.well-known/${file}`,
      {
        schema: {
          tags,
          summary: `${SUMMARIES[file]}, for the apps whose RP ID is the request’s host`,
          response: { 200: Type.Unknown(), 404: WellKnownError },
        },
      },
      async (request, reply) =>
        send(reply, file, await rpIdWellKnownDocument(runtime, { host: request.hostname, file })),
    );
  }
}
