/**
 * The shared error handler with every surface's real table and shape: what a caller is told for
 * each core error code, for an unreachable database and for a fault, and what the log keeps.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ERROR_CODES, type ErrorCode, LatchkeyError } from '@latchkey/core';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  ACTIONS_CLIENT_ERROR_SHAPE,
  ACTIONS_SERVER_ERROR_SHAPE,
} from '../surfaces/actions/actions-errors.ts';
import { ADMIN_ERROR_SHAPE } from '../surfaces/admin/admin-errors.ts';
import { SYSTEM_ERROR_SHAPE } from '../surfaces/error-shapes.ts';
import { FLEX_ERROR_SHAPE } from '../surfaces/flex/flex-errors.ts';
import { PUBLIC_MESSAGES } from './public-messages.ts';
import { type SurfaceErrorShape, sendSurfaceError } from './surface-error-handler.ts';

const SHAPES = [
  FLEX_ERROR_SHAPE,
  ACTIONS_SERVER_ERROR_SHAPE,
  ACTIONS_CLIENT_ERROR_SHAPE,
  ADMIN_ERROR_SHAPE,
  SYSTEM_ERROR_SHAPE,
];

/** What a check would say about itself; it must never reach the caller. */
const DETAIL = 'signature counter did not increase for credential of user ada';

/** A server whose routes throw what a test asks for, answered by the shared handler. */
async function serverFor(shape: SurfaceErrorShape, lines: string[] = []): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream } });
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendSurfaceError(shape, error, request, reply),
  );
  app.get<{ Params: { code: ErrorCode } }>('/core/:code', async (request) => {
    throw new LatchkeyError(request.params.code, DETAIL, { reason: 'counter_regression' });
  });
  app.get('/outage', async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
  });
  app.get('/fault', async () => {
    throw new Error(`cannot read ${DETAIL}`);
  });
  app.get('/foreign-4xx', async () => {
    throw Object.assign(new Error(DETAIL), { statusCode: 409 });
  });
  return app;
}

/** The message of a body in any surface's shape. */
function messageOf(body: Record<string, any>): string {
  if (typeof body.errorDescription === 'string') return body.errorDescription;
  if (typeof body.error === 'string') return body.error;
  return body.error.message;
}

/** The code of a body in any surface's shape. */
function codeOf(body: Record<string, any>): string {
  return typeof body.code === 'string' ? body.code : (body.errorCode ?? body.error.code);
}

describe('the public messages', () => {
  it('give every core code a fixed message, but invalid_request, which describes the input', () => {
    for (const code of ERROR_CODES) {
      if (code === 'invalid_request') assert.equal(PUBLIC_MESSAGES[code], null);
      else assert.equal(typeof PUBLIC_MESSAGES[code], 'string', code);
    }
  });

  it('keep the words the flex contract publishes', () => {
    assert.equal(PUBLIC_MESSAGES.unauthorized, 'Invalid access token');
    assert.equal(PUBLIC_MESSAGES.invalid_nonce, 'nonce is invalid, expired, or cannot be found');
  });
});

for (const shape of SHAPES) {
  describe(`the ${shape.name} error shape`, () => {
    it('answers every core code with its table row and never the check behind it', async () => {
      const app = await serverFor(shape);
      for (const code of ERROR_CODES) {
        const res = await app.inject({ method: 'GET', url: `/core/${code}` });
        const mapped = shape.core(code);
        assert.equal(res.statusCode, mapped.status, code);
        assert.equal(codeOf(res.json()), mapped.code, code);
        if (code === 'invalid_request') assert.equal(messageOf(res.json()), DETAIL);
        else assert.ok(!res.body.includes(DETAIL), `${shape.name} ${code}: ${res.body}`);
      }
      await app.close();
    });

    it('keeps the check behind a refusal in the request log', async () => {
      const lines: string[] = [];
      const app = await serverFor(shape, lines);
      await app.inject({ method: 'GET', url: '/core/authentication_rejected' });
      await app.close();
      const refused = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request refused');
      assert.equal(refused?.detail, DETAIL);
      assert.equal(refused?.reason, 'counter_regression');
      assert.equal(refused?.code, 'authentication_rejected');
    });

    it('answers an unreachable database with 503 and Retry-After', async () => {
      const app = await serverFor(shape);
      const res = await app.inject({ method: 'GET', url: '/outage' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '1');
      assert.equal(codeOf(res.json()), shape.http.unavailable);
      assert.ok(!res.body.includes('5432'), res.body);
      await app.close();
    });

    it('answers a fault with 500 and says nothing of it', async () => {
      const app = await serverFor(shape);
      const res = await app.inject({ method: 'GET', url: '/fault' });
      assert.equal(res.statusCode, 500);
      assert.equal(codeOf(res.json()), shape.http.internal_error);
      assert.ok(!res.body.includes(DETAIL), res.body);
      const foreign = await app.inject({ method: 'GET', url: '/foreign-4xx' });
      assert.equal(foreign.statusCode, 409);
      assert.equal(codeOf(foreign.json()), shape.http.invalid_request);
      assert.ok(!foreign.body.includes(DETAIL), foreign.body);
      await app.close();
    });
  });
}
