/**
 * The naive reference server: what a developer writes from the SimpleWebAuthn example. Fastify,
 * `@simplewebauthn/server` generating options and verifying every response, users, credentials
 * and challenges in memory. It also serves `POST /trivial`, the floor's trivial route, and
 * `GET /export`: its passkeys as the records the SimpleWebAuthn documentation's `Passkey` model
 * keeps (what a database dump of such an app holds), to move them to latchkey.
 */
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

/**
 * Builds the reference server (not listening yet).
 *
 * @example
 * const app = buildReferenceServer(); await app.listen({ port: 8090 });
 */
export function buildReferenceServer(): FastifyInstance {
  const app = Fastify({ logger: false });
  const users = new Map<string, { credentials: WebAuthnCredential[] }>();
  const credentialOwners = new Map<string, string>();
  // What the documentation's model keeps beside the library's credential.
  const facts = new Map<
    string,
    { webauthnUserID: string; deviceType: string; backedUp: boolean }
  >();
  const userIds = new Map<string, string>();
  const challenges = new Map<string, string>();
  let sessions = 0;

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

  app.post<{ Body: { username?: string } }>('/login/options', async (request) => {
    const user = request.body.username ? users.get(request.body.username) : undefined;
    const options = await generateAuthenticationOptions({
      rpID: REFERENCE_RP.id,
      userVerification: 'required',
      allowCredentials: user?.credentials.map((c) => ({ id: c.id })) ?? [],
    });
    sessions += 1;
    const session = String(sessions);
    challenges.set(`login:${session}`, options.challenge);
    return { session, options };
  });

  app.post<{ Body: { session: string; response: AuthenticationResponseJSON } }>(
    '/login/verify',
    async (request, reply) => {
      const { session, response } = request.body;
      const expectedChallenge = challenges.get(`login:${session}`);
      challenges.delete(`login:${session}`);
      const owner = credentialOwners.get(response.id);
      const credential = owner
        ? users.get(owner)?.credentials.find((c) => c.id === response.id)
        : undefined;
      if (!expectedChallenge || !credential) return reply.code(400).send({ verified: false });
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: REFERENCE_RP.origin,
        expectedRPID: REFERENCE_RP.id,
        credential,
        requireUserVerification: true,
      });
      if (!result.verified) return reply.code(400).send({ verified: false });
      credential.counter = result.authenticationInfo.newCounter;
      return { verified: true, username: owner };
    },
  );
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

// Run as a script: `node --import tsx bench/src/reference/reference-server.ts --port 8090`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const portFlag = process.argv.indexOf('--port');
  const port = Number(portFlag >= 0 ? process.argv[portFlag + 1] : 8090);
  await buildReferenceServer().listen({ port, host: '127.0.0.1' });
}
