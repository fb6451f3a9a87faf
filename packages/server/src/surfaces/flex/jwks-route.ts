import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { publishedKeys, type Runtime } from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppParams, ErrorBody } from './schemas.ts';

/** Long enough to spare latchkey a request per token; verifiers refetch on an unknown `kid`. */
const JWKS_MAX_AGE_SECONDS = 300;

const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.Literal('EC'),
      crv: Type.Literal('P-256'),
      x: Type.String(),
      y: Type.String(),
      kid: Type.String(),
      alg: Type.Literal('ES256'),
      use: Type.Literal('sig'),
    }),
  ),
});

/**
 * The app's session-token verification keys (RFC 7517 JWK Set), public: any of the app's services
 * may verify its tokens. Keys retired by a rotation stay listed until the tokens they signed expire.
 */
export function registerJwksRoute(app: FastifyInstance, runtime: Runtime): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/apps/:app_id/.well-known/jwks.json',
    {
      schema: {
        tags: ['session tokens'],
        summary: "The app's session-token verification keys (JWK Set)",
        params: AppParams,
        response: { 200: Jwks, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const keys = await publishedKeys(runtime, request.params.app_id);
      reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
      return { keys };
    },
  );
}
