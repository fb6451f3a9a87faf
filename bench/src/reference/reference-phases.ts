/** The load on the reference server: the same ceremonies as latchkey's, in its own two requests. */
import type { SoftwareAuthenticator } from '@latchkey/authenticator';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { CeremonyRun } from '../ceremony-run.ts';
import type { ServerProcess } from '../processes.ts';
import { parsedResponses, runStage } from '../run-stage.ts';
import { REFERENCE_RP } from './reference-server.ts';

/**
 * Registers each username on the reference server: options, then verify.
 *
 * @example
 * const { run, users } = await referenceRegistration(server, authenticator, names, 10);
 */
export async function referenceRegistration(
  server: ServerProcess,
  authenticator: SoftwareAuthenticator,
  usernames: string[],
  connections: number,
): Promise<{ run: CeremonyRun; users: { username: string; credentialId: string }[] }> {
  const options = await runStage({
    server,
    method: 'POST',
    path: '/register/options',
    requests: usernames.map((username) => ({ body: JSON.stringify({ username }) })),
    connections,
  });
  const answers = parsedResponses<PublicKeyCredentialCreationOptionsJSON>(options);
  const users: { username: string; credentialId: string }[] = [];
  const bodies: { body: string }[] = [];
  for (const [i, answer] of answers.entries()) {
    if (!answer) continue;
    const response = await authenticator.createCredential({
      options: answer,
      origin: REFERENCE_RP.origin,
    });
    users.push({ username: usernames[i]!, credentialId: response.id });
    bodies.push({ body: JSON.stringify({ username: usernames[i], response }) });
  }
  const verify = await runStage({
    server,
    method: 'POST',
    path: '/register/verify',
    requests: bodies,
    connections,
  });
  return {
    run: { completed: verify.ok, stages: { options, verify }, finishStage: 'verify' },
    users: users.filter((_, i) => verify.responses[i] !== null),
  };
}

/**
 * Signs each user in on the reference server: options (with the user's credentials), verify.
 *
 * @example
 * const run = await referenceSignIn(server, authenticator, users, 10);
 */
export async function referenceSignIn(
  server: ServerProcess,
  authenticator: SoftwareAuthenticator,
  users: { username: string; credentialId: string }[],
  connections: number,
): Promise<CeremonyRun> {
  const options = await runStage({
    server,
    method: 'POST',
    path: '/login/options',
    requests: users.map((u) => ({ body: JSON.stringify({ username: u.username }) })),
    connections,
  });
  const answers = parsedResponses<{
    session: string;
    options: PublicKeyCredentialRequestOptionsJSON;
  }>(options);
  const bodies: { body: string }[] = [];
  for (const [i, answer] of answers.entries()) {
    if (!answer) continue;
    const response = await authenticator.getAssertion({
      options: answer.options,
      origin: REFERENCE_RP.origin,
      credentialId: users[i]!.credentialId,
    });
    bodies.push({ body: JSON.stringify({ session: answer.session, response }) });
  }
  const verify = await runStage({
    server,
    method: 'POST',
    path: '/login/verify',
    requests: bodies,
    connections,
  });
  return { completed: verify.ok, stages: { options, verify }, finishStage: 'verify' };
}
