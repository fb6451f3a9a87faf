/**
 * What this package's tests run against: the real latchkey server listening on a real port over a
 * real database, and the browser's half of each ceremony played by the software authenticator
 * over real HTTP to the auth API.
 */
import type { AddressInfo } from 'node:net';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { databases, type Harness, ORIGIN, openHarness } from '@latchkey/server/testing';

export { ORIGIN };

/** A listening latchkey and the app the tests call it as. */
export interface LatchkeyServer {
  /** `http://127.0.0.1:<port>`: what `baseUrl` is set to. */
  baseUrl: string;
  harness: Harness;
  /** The app's id and key, named as the constructor's options name them. */
  app: { appId: string; apiKey: string };
  close(): Promise<void>;
}

/** The databases to run against (SQLite always; PostgreSQL where configured), with names. */
export const testDatabases = databases;

/**
 * Starts latchkey on 127.0.0.1 and a free port over a fresh database.
 *
 * @example
 * const server = await startLatchkey(testDatabases()[0]);
 * const passage = new PassageFlex({ ...server.app, baseUrl: server.baseUrl });
 */
export async function startLatchkey(
  db: ReturnType<typeof databases>[number],
): Promise<LatchkeyServer> {
  const harness = await openHarness(db);
  await harness.server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = harness.server.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    harness,
    app: { appId: harness.app.id, apiKey: harness.app.apiKey },
    close: () => harness.close(),
  };
}

async function post(server: LatchkeyServer, appId: string, path: string, body: unknown) {
  const response = await fetch(`${server.baseUrl}/v1/apps/${appId}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as any;
  if (response.status !== 200) {
    throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  }
  return json;
}

/**
 * The browser's half of a registration: start, create the credential, finish. Resolves with the
 * nonce the page would send to the app's backend, and the new credential's id.
 *
 * @example
 * const { nonce } = await browserRegister(server, transactionId, new SoftwareAuthenticator());
 */
export async function browserRegister(
  server: LatchkeyServer,
  transactionId: string,
  authenticator: SoftwareAuthenticator,
  appId = server.harness.app.id,
  overrides?: Parameters<SoftwareAuthenticator['createCredential']>[0]['overrides'],
): Promise<{ nonce: string; credentialId: string }> {
  const started = await post(server, appId, '/register/transactions/webauthn/start', {
    transaction_id: transactionId,
  });
  const response = await authenticator.createCredential({
    options: started.handshake.challenge.publicKey,
    origin: ORIGIN,
    ...(overrides ? { overrides } : {}),
  });
  const finished = await post(server, appId, '/register/transactions/webauthn/finish', {
    transaction_id: transactionId,
    handshake_id: started.handshake.id,
    handshake_response: response,
  });
  return { nonce: finished.nonce, credentialId: response.id };
}

/**
 * The browser's half of a sign-in with a transaction (or, with null, a discoverable one): start,
 * sign, finish. Resolves with the nonce.
 *
 * @example
 * const nonce = await browserAuthenticate(server, transactionId, authenticator);
 */
export async function browserAuthenticate(
  server: LatchkeyServer,
  transactionId: string | null,
  authenticator: SoftwareAuthenticator,
  appId = server.harness.app.id,
): Promise<string> {
  const started = await post(server, appId, '/authenticate/transactions/webauthn/start', {
    transaction_id: transactionId,
  });
  const response = await authenticator.getAssertion({
    options: started.handshake.challenge.publicKey,
    origin: ORIGIN,
  });
  const finished = await post(server, appId, '/authenticate/transactions/webauthn/finish', {
    transaction_id: transactionId,
    handshake_id: started.handshake.id,
    handshake_response: response,
  });
  return finished.nonce;
}

export { SoftwareAuthenticator };
