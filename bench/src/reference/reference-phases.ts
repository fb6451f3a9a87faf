/**
 * The load on the reference server: registration in the example's two requests, and sign-in in
 * latchkey's four stages (transaction, start, finish, redeem), each built before it starts.
 */
import type { SoftwareAuthenticator } from '@latchkey/authenticator';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { CeremonyRun } from '../ceremony-run.ts';
import { parsedResponses, runStage, type StageTarget, survivors } from '../run-stage.ts';
import { REFERENCE_RP } from './reference-server.ts';

/** The reference server to drive, and the API key its backend routes want. */
export interface ReferenceTarget {
  server: StageTarget;
  apiKey: string;
  connections: number;
}

/** A user registered at the reference server. */
export interface ReferenceUser {
  username: string;
  credentialId: string;
}

/**
 * Registers each username on the reference server: options, then verify.
 *
 * @example
 * const { run, users } = await referenceRegistration(target, authenticator, names);
 */
export async function referenceRegistration(
  target: ReferenceTarget,
  authenticator: SoftwareAuthenticator,
  usernames: string[],
): Promise<{ run: CeremonyRun; users: ReferenceUser[] }> {
  const options = await runStage({
    server: target.server,
    method: 'POST',
    path: '/register/options',
    requests: usernames.map((username) => ({ body: JSON.stringify({ username }) })),
    connections: target.connections,
  });
  const started = survivors(
    usernames,
    parsedResponses<PublicKeyCredentialCreationOptionsJSON>(options),
  );
  const users: ReferenceUser[] = [];
  const bodies: { body: string }[] = [];
  for (const { item: username, answer } of started) {
    const response = await authenticator.createCredential({
      options: answer,
      origin: REFERENCE_RP.origin,
    });
    users.push({ username, credentialId: response.id });
    bodies.push({ body: JSON.stringify({ username, response }) });
  }
  const verify = await runStage({
    server: target.server,
    method: 'POST',
    path: '/register/verify',
    requests: bodies,
    connections: target.connections,
  });
  return {
    run: { completed: verify.ok, stages: { options, verify }, finishStage: 'verify' },
    users: users.filter((_, i) => verify.responses[i] !== null),
  };
}

/**
 * Signs each user in on the reference server as latchkey's sign-in runs: the backend's
 * transaction, the browser's start and finish, the backend's redemption of the nonce.
 *
 * @example
 * const run = await referenceSignIn(target, authenticator, users);
 */
export async function referenceSignIn(
  target: ReferenceTarget,
  authenticator: SoftwareAuthenticator,
  users: ReferenceUser[],
): Promise<CeremonyRun> {
  const backend = { authorization: `Bearer ${target.apiKey}` };
  const transaction = await runStage({
    server: target.server,
    method: 'POST',
    path: '/transactions/authenticate',
    headers: backend,
    requests: users.map((u) => ({ body: JSON.stringify({ username: u.username }) })),
    connections: target.connections,
  });
  const withTx = survivors(users, parsedResponses<{ transactionId: string }>(transaction));
  const start = await runStage({
    server: target.server,
    method: 'POST',
    path: '/authenticate/start',
    requests: withTx.map(({ answer }) => ({
      body: JSON.stringify({ transactionId: answer.transactionId }),
    })),
    connections: target.connections,
  });
  const started = survivors(
    withTx,
    parsedResponses<{ handshakeId: string; options: PublicKeyCredentialRequestOptionsJSON }>(start),
  );
  const bodies: { body: string }[] = [];
  for (const { item, answer } of started) {
    const response = await authenticator.getAssertion({
      options: answer.options,
      origin: REFERENCE_RP.origin,
      credentialId: item.item.credentialId,
    });
    bodies.push({ body: JSON.stringify({ handshakeId: answer.handshakeId, response }) });
  }
  const finish = await runStage({
    server: target.server,
    method: 'POST',
    path: '/authenticate/finish',
    requests: bodies,
    connections: target.connections,
  });
  const nonces = parsedResponses<{ nonce: string }>(finish).flatMap((a) => (a ? [a.nonce] : []));
  const redeem = await runStage({
    server: target.server,
    method: 'POST',
    path: '/authenticate/redeem',
    headers: backend,
    requests: nonces.map((nonce) => ({ body: JSON.stringify({ nonce }) })),
    connections: target.connections,
  });
  return {
    completed: redeem.ok,
    stages: { transaction, start, finish, redeem },
    finishStage: 'finish',
  };
}
