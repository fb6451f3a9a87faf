import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EXTERNAL_ID_MAX_LENGTH as SERVER_EXTERNAL_ID_MAX_LENGTH } from '@latchkey/core';
import { PassageError, type PassageErrorCode, PassageFlex } from './index.ts';
import { EXTERNAL_ID_MAX_LENGTH } from './require-text.ts';
import { sendJson, startHttpServer, type TestHttpServer } from './testing/http-server.ts';
import {
  browserRegister,
  type LatchkeyServer,
  SoftwareAuthenticator,
  startLatchkey,
  testDatabases,
} from './testing/latchkey-server.ts';

const APP = { id: 'app', name: 'Bank', auth_origin: 'https://bank.example' };

async function rejectsWith(
  promise: Promise<unknown>,
  errorCode: PassageErrorCode,
  statusCode: number,
): Promise<PassageError> {
  const error = await promise.then(
    () => assert.fail(`expected ${errorCode}, but it resolved`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PassageError, String(error));
  assert.equal(error.errorCode, errorCode, error.message);
  assert.equal(error.statusCode, statusCode);
  return error;
}

function client(server: TestHttpServer, options: { timeoutMs?: number; retries?: number } = {}) {
  return new PassageFlex({ appId: 'app', apiKey: 'key', baseUrl: server.url, ...options });
}

describe('transport: timeouts, retries and unreadable answers (real node:http servers)', () => {
  const servers: TestHttpServer[] = [];
  async function serve(...args: Parameters<typeof startHttpServer>): Promise<TestHttpServer> {
    const server = await startHttpServer(...args);
    servers.push(server);
    return server;
  }
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('gives up with timeout when the server never answers', async () => {
    const server = await serve(() => {
      // Never answer.
    });
    const error = await rejectsWith(client(server, { timeoutMs: 1000 }).getApp(), 'timeout', 0);
    assert.ok(error.cause !== undefined, 'the abort reason is kept');
    // timeoutMs bounds the request with its retries: nothing is sent after it.
    assert.ok(server.requests.length <= 1);
  });

  it('times out a POST as well', async () => {
    const server = await serve(() => {});
    await rejectsWith(client(server, { timeoutMs: 1000 }).auth.verifyNonce('n'), 'timeout', 0);
    assert.ok(server.requests.length <= 1);
  });

  it('retries a GET that first gets a 503, and returns the answer of the retry', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) sendJson(response, 503, { code: 'internal_server_error', error: 'busy' });
      else sendJson(response, 200, { app: APP });
    });
    const app = await client(server).getApp();
    assert.deepEqual(app, { id: 'app', name: 'Bank', authOrigin: 'https://bank.example' });
    assert.deepEqual(server.requests, ['GET /v1/apps/app', 'GET /v1/apps/app']);
  });

  it('retries a GET whose connection was cut mid-request', async () => {
    const server = await serve((request, response, index) => {
      if (index === 0) request.socket.destroy();
      else sendJson(response, 200, { app: APP });
    });
    assert.equal((await client(server).getApp()).id, 'app');
    assert.equal(server.requests.length, 2);
  });

  it('stops after `retries` retries and reports the last answer: a proxy page is unexpected_response', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    });
    const error = await rejectsWith(
      client(server, { retries: 2 }).getApp(),
      'unexpected_response',
      502,
    );
    assert.ok(error.cause instanceof SyntaxError);
    assert.equal(server.requests.length, 3);
  });

  it('does not retry at all with retries: 0', async () => {
    const server = await serve((_request, response) => {
      sendJson(response, 503, { code: 'internal_server_error', error: 'busy' });
    });
    await rejectsWith(client(server, { retries: 0 }).getApp(), 'internal_server_error', 503);
    assert.equal(server.requests.length, 1);
  });

  it('never retries a POST that got a 503: the transaction may exist, the nonce may be spent', async () => {
    const server = await serve((_request, response) => {
      sendJson(response, 503, { code: 'internal_server_error', error: 'busy' });
    });
    const passage = client(server);
    await rejectsWith(passage.auth.verifyNonce('n'), 'internal_server_error', 503);
    await rejectsWith(
      passage.auth.createRegisterTransaction('u', 'u'),
      'internal_server_error',
      503,
    );
    await rejectsWith(
      passage.createAuthenticateTransaction({ externalId: 'u' }),
      'internal_server_error',
      503,
    );
    assert.deepEqual(server.requests, [
      'POST /v1/apps/app/authenticate/verify',
      'POST /v1/apps/app/transactions/register',
      'POST /v1/apps/app/transactions/authenticate',
    ]);
  });

  it('never retries a POST whose connection was cut after sending: network_error, sent once', async () => {
    const server = await serve((request) => {
      request.socket.destroy();
    });
    const error = await rejectsWith(client(server).verifyNonce('n'), 'network_error', 0);
    assert.ok(error.cause instanceof Error);
    assert.equal(server.requests.length, 1);
  });

  it('reports network_error when nothing listens', async () => {
    const closed = await startHttpServer(() => {});
    await closed.close();
    const passage = new PassageFlex({ appId: 'app', apiKey: 'key', baseUrl: closed.url });
    await rejectsWith(passage.auth.verifyNonce('n'), 'network_error', 0);
    await rejectsWith(passage.user.get('u'), 'network_error', 0);
  });

  it('reports unexpected_response for a success body that is not JSON or lacks a field', async () => {
    const server = await serve((request, response) => {
      if (request.url?.endsWith('/verify')) sendJson(response, 200, { externalId: 'camel' });
      else if (request.url?.endsWith('/register')) sendJson(response, 201, {});
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await rejectsWith(client(server).auth.verifyNonce('n'), 'unexpected_response', 200);
    await rejectsWith(
      client(server).auth.createRegisterTransaction('u', 'u'),
      'unexpected_response',
      201,
    );
    await rejectsWith(client(server).getApp(), 'unexpected_response', 200);
  });

  it('reports unexpected_response for an error code outside the contract, keeping the status', async () => {
    const server = await serve((_request, response) => {
      sendJson(response, 429, { code: 'slow_down', error: 'too many requests' });
    });
    await rejectsWith(client(server).auth.verifyNonce('n'), 'unexpected_response', 429);
    assert.equal(server.requests.length, 1);
  });

  it('sends the key as a bearer token and JSON bodies, under a base URL with a prefix', async () => {
    const server = await serve((_request, response) => {
      sendJson(response, 201, { transaction_id: 'tx-1' });
    });
    const passage = new PassageFlex({
      appId: 'app',
      apiKey: 'secret-key',
      baseUrl: `${server.url}/auth/v1/`,
    });
    assert.equal(await passage.auth.createRegisterTransaction('u 1', 'Ada'), 'tx-1');
    assert.deepEqual(server.requests, ['POST /auth/v1/apps/app/transactions/register']);
    assert.deepEqual(server.received, [
      {
        authorization: 'Bearer secret-key',
        contentType: 'application/json',
        body: '{"external_id":"u 1","passkey_display_name":"Ada"}',
      },
    ]);
  });

  it('refuses empty arguments with invalid_argument before sending anything', async () => {
    const server = await serve((_request, response) => sendJson(response, 500, {}));
    const passage = client(server);
    const calls: Array<() => Promise<unknown>> = [
      () => passage.auth.createRegisterTransaction('', 'name'),
      () => passage.auth.createRegisterTransaction('user', ''),
      () => passage.auth.createAuthenticateTransaction(' '),
      () => passage.auth.verifyNonce(''),
      () => passage.user.get(''),
      () => passage.user.listDevices(''),
      () => passage.user.revokeDevice('', 'device'),
      () => passage.user.revokeDevice('user', ''),
      () => passage.createRegisterTransaction(undefined as never),
      () => passage.createAuthenticateTransaction({} as never),
      () => passage.verifyNonce(undefined as never),
      () => passage.getUser(''),
      () => passage.getDevices(''),
      () => passage.revokeDevice('user', ''),
    ];
    for (const call of calls) await rejectsWith(call(), 'invalid_argument', 0);
    assert.deepEqual(server.requests, []);
  });

  it('refuses external ids latchkey would refuse, before sending anything', async () => {
    const server = await serve((_request, response) => sendJson(response, 500, {}));
    const passage = client(server);
    const bad = ['x\ud800', '\udc00', 'a\u0000b', 'a\u001bb', 'a\u0085b', 'L'.repeat(257)];
    for (const externalId of bad) {
      await rejectsWith(
        passage.auth.createRegisterTransaction(externalId, 'n'),
        'invalid_argument',
        0,
      );
      await rejectsWith(
        passage.auth.createAuthenticateTransaction(externalId),
        'invalid_argument',
        0,
      );
      await rejectsWith(passage.user.get(externalId), 'invalid_argument', 0);
      await rejectsWith(passage.user.revokeDevice(externalId, 'd'), 'invalid_argument', 0);
    }
    assert.deepEqual(server.requests, []);
  });

  it('has the same external id limit as the server', () => {
    assert.equal(EXTERNAL_ID_MAX_LENGTH, SERVER_EXTERNAL_ID_MAX_LENGTH);
  });

  it('takes only an exact external id match from the user search', async () => {
    const server = await serve((_request, response) => {
      sendJson(response, 200, { users: [{ id: 'u-2', external_id: 'alice2' }] });
    });
    await rejectsWith(client(server).user.get('alice'), 'user_not_found', 404);
    assert.deepEqual(server.requests, ['GET /v1/apps/app/users?identifier=alice&limit=1']);
  });
});

for (const db of testDatabases()) {
  describe(`transport: revoking through a flaky gateway in front of latchkey (${db.name})`, () => {
    let latchkey: LatchkeyServer;
    let gateway: TestHttpServer;
    let deletes = 0;
    before(async () => {
      latchkey = await startLatchkey(db);
      // Forwards everything; answers the first DELETE with 503 after latchkey has acted on it, as
      // a gateway whose upstream answered too late does.
      gateway = await startHttpServer(async (request, response) => {
        const upstream = await fetch(`${latchkey.baseUrl}${request.url}`, {
          method: request.method ?? 'GET',
          headers: { authorization: request.headers.authorization ?? '' },
        });
        const body = await upstream.text();
        if (request.method === 'DELETE' && deletes++ === 0) {
          response.writeHead(503).end('upstream timed out');
          return;
        }
        response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
      });
    });
    after(async () => {
      await gateway.close();
      await latchkey.close();
    });

    it('retries the DELETE, and reads the retry’s device_not_found as the revoke having happened', async () => {
      const direct = new PassageFlex({ ...latchkey.app, baseUrl: latchkey.baseUrl });
      const transactionId = await direct.auth.createRegisterTransaction('jane', 'jane');
      await browserRegister(latchkey, transactionId, new SoftwareAuthenticator());
      const [device] = await direct.user.listDevices('jane');
      assert.ok(device);

      const viaGateway = new PassageFlex({ ...latchkey.app, baseUrl: gateway.url });
      await viaGateway.user.revokeDevice('jane', device.id);
      assert.equal(deletes, 2, 'the DELETE was sent twice');
      assert.deepEqual(await direct.user.listDevices('jane'), []);

      // Without an earlier attempt that may have acted, a missing device is still an error.
      await rejectsWith(viaGateway.user.revokeDevice('jane', device.id), 'device_not_found', 404);
    });
  });
}
