/**
 * The reference server's sign-in is latchkey's shape with state in memory: the backend's calls
 * need its API key, a transaction and a nonce serve once, and the passkey must be the user's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { FastifyInstance } from 'fastify';
import { buildReferenceServer, REFERENCE_RP } from './reference-server.ts';

const API_KEY = 'reference-backend-key';
const BACKEND = { authorization: `Bearer ${API_KEY}` };

describe('the reference server', () => {
  let server: FastifyInstance;
  const authenticator = new SoftwareAuthenticator();
  const credentials = new Map<string, string>();

  async function post(url: string, body: unknown, headers = {}) {
    return server.inject({ method: 'POST', url, payload: body as object, headers });
  }

  async function register(username: string): Promise<void> {
    const options = (await post('/register/options', { username })).json();
    const response = await authenticator.createCredential({ options, origin: REFERENCE_RP.origin });
    credentials.set(username, response.id);
    assert.equal((await post('/register/verify', { username, response })).statusCode, 200);
  }

  /** Transaction and start for `username`; the assertion signed by `signer`'s passkey. */
  async function started(username: string, signer: string) {
    const tx = await post('/transactions/authenticate', { username }, BACKEND);
    const { handshakeId, options } = (
      await post('/authenticate/start', { transactionId: tx.json().transactionId })
    ).json();
    const response = await authenticator.getAssertion({
      options: { ...options, allowCredentials: [] },
      origin: REFERENCE_RP.origin,
      credentialId: credentials.get(signer)!,
    });
    return { handshakeId, response };
  }

  before(async () => {
    server = buildReferenceServer({ apiKey: API_KEY });
    await register('ada');
    await register('bob');
  });
  after(() => server.close());

  it('refuses a transaction without the API key, or with another', async () => {
    assert.equal((await post('/transactions/authenticate', { username: 'ada' })).statusCode, 401);
    const wrong = { authorization: 'Bearer not-the-key' };
    assert.equal(
      (await post('/transactions/authenticate', { username: 'ada' }, wrong)).statusCode,
      401,
    );
  });

  it('signs in and redeems the nonce once, for the user the transaction named', async () => {
    const finished = await post('/authenticate/finish', await started('ada', 'ada'));
    assert.equal(finished.statusCode, 200, finished.body);
    const { nonce } = finished.json();
    assert.equal((await post('/authenticate/redeem', { nonce }, BACKEND)).json().username, 'ada');
    assert.equal((await post('/authenticate/redeem', { nonce }, BACKEND)).statusCode, 404);
  });

  it('refuses a nonce redemption without the API key', async () => {
    const { nonce } = (await post('/authenticate/finish', await started('ada', 'ada'))).json();
    assert.equal((await post('/authenticate/redeem', { nonce })).statusCode, 401);
  });

  it("refuses another user's passkey for a transaction", async () => {
    const finished = await post('/authenticate/finish', await started('ada', 'bob'));
    assert.equal(finished.statusCode, 400);
  });

  it('starts a transaction once', async () => {
    const tx = (await post('/transactions/authenticate', { username: 'ada' }, BACKEND)).json();
    const start = { transactionId: tx.transactionId };
    assert.equal((await post('/authenticate/start', start)).statusCode, 200);
    assert.equal((await post('/authenticate/start', start)).statusCode, 404);
  });
});
