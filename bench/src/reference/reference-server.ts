/**
 * The naive reference server: what a developer writes from the SimpleWebAuthn example. Fastify,
 * `@simplewebauthn/server` generating options and verifying every response, users, credentials
 * and challenges in memory, no persistence. Its sign-in has latchkey's shape, so that each stage
 * compares with latchkey's: the app backend asks for a sign-in for a username (bearer API key) and
 * gets a transaction id; the browser starts it and finishes it, and gets a one-time nonce; the
 * backend redeems the nonce (bearer API key) for the username. Registration is the example's two
 * requests. It also serves `POST /trivial` and `GET /healthz`, the bare Fastify routes, and
 * `GET /export`: its passkeys as the records the SimpleWebAuthn documentation's `Passkey` model
 * keeps (what a database dump of such an app holds), to move them to latchkey.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import Fastify, { type FastifyInstance } from 'fastify';

/** The reference's relying party. */
export const REFERENCE_RP = { id: 'bench.example', origin: 'https://bench.example' } as const;

/** The environment variable the reference server reads its backend API key from. */
export const REFERENCE_API_KEY_ENV = 'REFERENCE_API_KEY';

/**
 * Builds the reference server (not listening yet); `apiKey` is what the app backend's calls
 * (transaction, redeem) must carry as a bearer token.
 *
 * @example
 * const app = buildReferenceServer({ apiKey: 'k' }); await app.listen({ port: 8090 });
 */
export function buildReferenceServer(options: { apiKey: string }): FastifyInstance {
  const app = Fastify({ logger: false });
  const expectedAuthorization = Buffer.from(`Bearer ${options.apiKey}`);
  const fromBackend = (authorization: string | undefined): boolean => {
    const given = Buffer.from(authorization ?? '');
    return (
      given.length === expectedAuthorization.length && timingSafeEqual(given, expectedAuthorization)
    );
  };
  const users = new Map<string, { credentials: WebAuthnCredential[] }>();
  const credentialOwners = new Map<string, string>();
  // What the documentation's model keeps beside the library's credential.
  const facts = new Map<
    string,
    { webauthnUserID: string; deviceType: string; backedUp: boolean }
  >();
  const userIds = new Map<string, string>();
  const challenges = new Map<string, string>();
  // A sign-in's transaction (id → username), its handshake (id → username and challenge), and the
  // nonce its finish mints (nonce → username), each used once.
  const transactions = new Map<string, string>();
  const handshakes = new Map<string, { username: string; challenge: string }>();
  const nonces = new Map<string, string>();

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.post('/trivial', async () => ({ ok: true }));

  app.post<{ Body: { username: string } }>('/register/options', async (request) => {
    const { username } = request.body;
    const user = users.get(username) ?? { credentials: [] };
    users.set(username, user);
    const options = await generateRegistrationOptions({
      rpName: 'bench',
      rpID: REFERENCE_RP.id,
      userName: username,
      attestationType: 'none',
      excludeCredentials: user.credentials.map((c) => ({ id: c.id })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      supportedAlgorithmIDs: [-7, -8, -257],
    });
    challenges.set(`register:${username}`, options.challenge);
    userIds.set(username, options.user.id);
    return options;
  });

  app.post<{ Body: { username: string; response: RegistrationResponseJSON } }>(
    '/register/verify',
    async (request, reply) => {
      const { username, response } = request.body;
      const expectedChallenge = challenges.get(`register:${username}`);
      challenges.delete(`register:${username}`);
      const user = users.get(username);
      if (!expectedChallenge || !user) return reply.code(400).send({ verified: false });
      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge,
        expectedOrigin: REFERENCE_RP.origin,
        expectedRPID: REFERENCE_RP.id,
        requireUserVerification: true,
      });
      if (!result.verified) return reply.code(400).send({ verified: false });
      user.credentials.push(result.registrationInfo.credential);
      credentialOwners.set(result.registrationInfo.credential.id, username);
      facts.set(result.registrationInfo.credential.id, {
        webauthnUserID: userIds.get(username) ?? '',
        deviceType: result.registrationInfo.credentialDeviceType,
        backedUp: result.registrationInfo.credentialBackedUp,
      });
      return { verified: true };
    },
  );

  app.post<{ Body: { username: string } }>('/transactions/authenticate', async (request, reply) => {
    if (!fromBackend(request.headers.authorization)) return reply.code(401).send({});
    const { username } = request.body;
    if (!users.has(username)) return reply.code(404).send({});
    const transactionId = randomUUID();
    transactions.set(transactionId, username);
    return { transactionId };
  });

  app.post<{ Body: { transactionId: string } }>('/authenticate/start', async (request, reply) => {
    const username = transactions.get(request.body.transactionId);
    transactions.delete(request.body.transactionId);
    const user = username ? users.get(username) : undefined;
    if (!username || !user) return reply.code(404).send({});
    const options = await generateAuthenticationOptions({
      rpID: REFERENCE_RP.id,
      userVerification: 'required',
      allowCredentials: user.credentials.map((c) => ({ id: c.id })),
    });
    const handshakeId = randomUUID();
    handshakes.set(handshakeId, { username, challenge: options.challenge });
    return { handshakeId, options };
  });

  app.post<{ Body: { handshakeId: string; response: AuthenticationResponseJSON } }>(
    '/authenticate/finish',
    async (request, reply) => {
      const { handshakeId, response } = request.body;
      const handshake = handshakes.get(handshakeId);
      handshakes.delete(handshakeId);
      // The transaction named a user: the passkey must be one of theirs.
      const credential =
        handshake && credentialOwners.get(response.id) === handshake.username
          ? users.get(handshake.username)?.credentials.find((c) => c.id === response.id)
          : undefined;
      if (!handshake || !credential) return reply.code(400).send({ verified: false });
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: handshake.challenge,
        expectedOrigin: REFERENCE_RP.origin,
        expectedRPID: REFERENCE_RP.id,
        credential,
        requireUserVerification: true,
      });
      if (!result.verified) return reply.code(400).send({ verified: false });
      credential.counter = result.authenticationInfo.newCounter;
      const nonce = randomBytes(32).toString('base64url');
      nonces.set(nonce, handshake.username);
      return { nonce };
    },
  );

  app.post<{ Body: { nonce: string } }>('/authenticate/redeem', async (request, reply) => {
    if (!fromBackend(request.headers.authorization)) return reply.code(401).send({});
    const username = nonces.get(request.body.nonce);
    nonces.delete(request.body.nonce);
    if (!username) return reply.code(404).send({});
    return { username };
  });

  app.get('/export', async () =>
    [...users.entries()].flatMap(([username, user]) =>
      user.credentials.map((credential) => ({
        id: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        user: username,
        counter: credential.counter,
        transports: credential.transports ?? [],
        ...facts.get(credential.id),
      })),
    ),
  );
  return app;
}

// Run as a script: `REFERENCE_API_KEY=… node --import tsx bench/src/reference/reference-server.ts --port 8090`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const portFlag = process.argv.indexOf('--port');
  const port = Number(portFlag >= 0 ? process.argv[portFlag + 1] : 8090);
  const apiKey = process.env[REFERENCE_API_KEY_ENV];
  if (!apiKey) throw new Error(`set ${REFERENCE_API_KEY_ENV} to the backend's API key`);
  await buildReferenceServer({ apiKey }).listen({ port, host: '127.0.0.1' });
}
