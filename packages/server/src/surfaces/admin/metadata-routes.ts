import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authenticatorMetadataStatus, type Runtime } from '@latchkey/core';
import type { FastifyInstance } from 'fastify';
import { AuthenticatorMetadata, errors } from './schemas.ts';

const tags = ['admin: authenticator metadata'];
const security = [{ operatorToken: [] }];

/**
 * `GET /authenticator-metadata`: which FIDO MDS3 blob registrations are checked against. Blobs are
 * loaded with `latchkey mds load`, which verifies them first.
 */
export function registerMetadataRoutes(app: FastifyInstance, runtime: Runtime): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/authenticator-metadata',
    {
      schema: {
        tags,
        security,
        summary: 'The FIDO metadata blob in use, and whether it is past its nextUpdate',
        response: { 200: AuthenticatorMetadata, ...errors },
      },
    },
    async () => {
      const status = await authenticatorMetadataStatus(runtime);
      return {
        metadata: status && {
          serial: status.serial,
          next_update: status.nextUpdate,
          entries: status.entryCount,
          loaded_at: new Date(status.loadedAt).toISOString(),
          stale: status.stale,
        },
      };
    },
  );
}
