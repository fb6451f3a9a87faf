import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  listSigningKeys,
  type Runtime,
  rotateSigningKey,
  type SigningKeySummary,
} from '@latchkey/core';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { asOperator } from './operator-request.ts';
import {
  AppParams,
  errors,
  RotateSigningKeyBody,
  type SigningKey,
  SigningKeyRotated,
  SigningKeys,
} from './schemas.ts';

const tags = ['admin: session tokens'];
const security = [{ operatorToken: [] }];

function presentSigningKey(key: SigningKeySummary): Static<typeof SigningKey> {
  return {
    key_id: key.id,
    algorithm: key.algorithm,
    status: key.active ? 'active' : 'retiring',
    created_at: new Date(key.createdAt).toISOString(),
    retires_at: key.retiresAt === null ? null : new Date(key.retiresAt).toISOString(),
  };
}

/** An app's session-token signing keys: list them (never their private parts) and rotate. */
export function registerSigningKeyRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/apps/:app_id/signing-keys',
    {
      schema: {
        tags,
        security,
        summary: 'The app’s published session-token signing keys, newest first',
        params: AppParams,
        response: { 200: SigningKeys, ...errors },
      },
    },
    async (request) => ({
      keys: (await listSigningKeys(runtime, request.params.app_id)).map(presentSigningKey),
    }),
  );

  r.post(
    '/apps/:app_id/signing-keys/rotate',
    {
      schema: {
        tags,
        security,
        summary: 'Sign with a new key; the previous ones stay published for the overlap',
        params: AppParams,
        body: RotateSigningKeyBody,
        response: { 200: SigningKeyRotated, ...errors },
      },
    },
    async (request) => {
      const { runtime: acting, context } = asOperator(runtime, request);
      const overlap = request.body?.overlap_seconds;
      const rotated = await rotateSigningKey(
        acting,
        {
          appId: request.params.app_id,
          ...(overlap === undefined ? {} : { overlapSeconds: overlap }),
        },
        context,
      );
      return { key: presentSigningKey(rotated), retired: rotated.retired };
    },
  );
}
