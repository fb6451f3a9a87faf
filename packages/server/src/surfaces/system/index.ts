import { type Runtime, storeAnswers } from '@latchkey/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { landingRoute } from './landing.ts';

const Status = Type.Object({ status: Type.String() });

/** The landing page at `/`, liveness, readiness and the API description. */
export async function systemSurface(
  app: FastifyInstance,
  options: { runtime: Runtime },
): Promise<void> {
  landingRoute(app);
  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'The process is up', response: { 200: Status } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'The process is up and its database answers',
        response: { 200: Status, 503: Status },
      },
    },
    async (_request, reply) => {
      const ok = await storeAnswers(options.runtime);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'database unavailable' });
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
