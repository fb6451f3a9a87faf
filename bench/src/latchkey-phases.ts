/**
 * The latchkey phases: registration, sign-in with a transaction, discoverable sign-in (each ending
 * with the nonce's redemption) and step-up (track → challenge → validate). Every stage's requests
 * are built before it starts; assertions are signed between stages, while the server idles, so
 * signing never competes with the server for its core.
 */
import type { SoftwareAuthenticator } from '@latchkey/authenticator';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { CeremonyRun } from './ceremony-run.ts';
import {
  type PreparedRequest,
  parsedResponses,
  runStage,
  type StageTarget,
  survivors,
} from './run-stage.ts';

/** A latchkey server with one app to drive. */
export interface LatchkeyTarget {
  server: StageTarget;
  appId: string;
  apiKey: string;
  origin: string;
  connections: number;
}

/** What runs around each stage of a phase, outside its measurement. */
export interface StageHooks {
  before(): void | Promise<void>;
  after(): void | Promise<void>;
}

/** A user of the pool: who they are and the credential that signs for them. */
export interface PoolUser {
  externalId: string;
  credentialId: string;
}

/** The action code the step-up phase tracks; its configuration always challenges. */
export const STEP_UP_ACTION = 'bench-transfer';

interface Handshake<T> {
  handshake: { id: string; challenge: { publicKey: T } };
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function bearer(apiKey: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}` };
}

/** HTTP Basic with the API key as the user, the actions server API's scheme. */
export function basicSecret(apiKey: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` };
}

async function redeemStage(
  target: LatchkeyTarget,
  nonces: string[],
): Promise<{ stage: Awaited<ReturnType<typeof runStage>>; completed: number }> {
  const stage = await runStage({
    server: target.server,
    method: 'POST',
    path: `/v1/apps/${target.appId}/authenticate/verify`,
    headers: bearer(target.apiKey),
    requests: nonces.map((nonce) => ({ body: json({ nonce }) })),
    connections: target.connections,
  });
  return { stage, completed: stage.ok };
}

/**
 * Registers one passkey for each external id: transaction, start, finish, redeem.
 *
 * @example
 * const { run, users } = await registrationPhase(target, authenticator, ['u-1', 'u-2']);
 */
export async function registrationPhase(
  target: LatchkeyTarget,
  authenticator: SoftwareAuthenticator,
  externalIds: string[],
): Promise<{ run: CeremonyRun; users: PoolUser[] }> {
  const base = `/v1/apps/${target.appId}`;
  const transaction = await runStage({
    server: target.server,
    method: 'POST',
    path: `${base}/transactions/register`,
    headers: bearer(target.apiKey),
    requests: externalIds.map((id) => ({
      body: json({ external_id: id, passkey_display_name: `${id}@bench.example` }),
    })),
    connections: target.connections,
  });
  const withTx = survivors(externalIds, parsedResponses<{ transaction_id: string }>(transaction));
  const start = await runStage({
    server: target.server,
    method: 'POST',
    path: `${base}/register/transactions/webauthn/start`,
    requests: withTx.map(({ answer }) => ({
      body: json({ transaction_id: answer.transaction_id }),
    })),
    connections: target.connections,
  });
  const started = survivors(
    withTx,
    parsedResponses<Handshake<PublicKeyCredentialCreationOptionsJSON>>(start),
  );
  const finishes: PreparedRequest[] = [];
  const credentialIds: string[] = [];
  for (const { item, answer } of started) {
    const response = await authenticator.createCredential({
      options: answer.handshake.challenge.publicKey,
      origin: target.origin,
    });
    credentialIds.push(response.id);
    finishes.push({
      body: json({
        transaction_id: item.answer.transaction_id,
        handshake_id: answer.handshake.id,
        handshake_response: response,
      }),
    });
  }
  const finish = await runStage({
    server: target.server,
    method: 'POST',
    path: `${base}/register/transactions/webauthn/finish`,
    requests: finishes,
    connections: target.connections,
  });
  const finished = survivors(
    started.map(({ item }, i) => ({
      externalId: item.item,
      credentialId: credentialIds[i]!,
    })),
    parsedResponses<{ nonce: string }>(finish),
  );
  const redeem = await redeemStage(
    target,
    finished.map(({ answer }) => answer.nonce),
  );
  return {
    run: {
      completed: redeem.completed,
      stages: { transaction, start, finish, redeem: redeem.stage },
      finishStage: 'finish',
    },
    users: finished.map(({ item }) => item),
  };
}

async function signAssertions(
  authenticator: SoftwareAuthenticator,
  origin: string,
  items: { credentialId: string; options: PublicKeyCredentialRequestOptionsJSON }[],
): Promise<unknown[]> {
  const signed: unknown[] = [];
  for (const item of items) {
    signed.push(
      await authenticator.getAssertion({
        options: item.options,
        origin,
        credentialId: item.credentialId,
      }),
    );
  }
  return signed;
}

/**
 * Signs in each user of `users` with an authenticate transaction: transaction, start, finish,
 * redeem (the whole ceremony an app runs).
 *
 * @example
 * const run = await signInPhase(target, authenticator, users);
 */
export async function signInPhase(
  target: LatchkeyTarget,
  authenticator: SoftwareAuthenticator,
  users: PoolUser[],
  /** Paces the finish stage to this many requests a second instead of saturating it. */
  finishRate?: number,
  /** Called around each stage, outside its measurement (a profiler's start and stop). */
  around?: StageHooks,
): Promise<CeremonyRun> {
  type Stage = Awaited<ReturnType<typeof runStage>>;
  const measured = async (stage: () => Promise<Stage>): Promise<Stage> => {
    await around?.before();
    const result = await stage();
    await around?.after();
    return result;
  };
  const base = `/v1/apps/${target.appId}`;
  const transaction = await measured(() =>
    runStage({
      server: target.server,
      method: 'POST',
      path: `${base}/transactions/authenticate`,
      headers: bearer(target.apiKey),
      requests: users.map((u) => ({ body: json({ external_id: u.externalId }) })),
      connections: target.connections,
    }),
  );
  const withTx = survivors(users, parsedResponses<{ transaction_id: string }>(transaction));
  const start = await measured(() =>
    runStage({
      server: target.server,
      method: 'POST',
      path: `${base}/authenticate/transactions/webauthn/start`,
      requests: withTx.map(({ answer }) => ({
        body: json({ transaction_id: answer.transaction_id }),
      })),
      connections: target.connections,
    }),
  );
  const started = survivors(
    withTx,
    parsedResponses<Handshake<PublicKeyCredentialRequestOptionsJSON>>(start),
  );
  const assertions = await signAssertions(
    authenticator,
    target.origin,
    started.map(({ item, answer }) => ({
      credentialId: item.item.credentialId,
      options: answer.handshake.challenge.publicKey,
    })),
  );
  const finish = await measured(() =>
    runStage({
      server: target.server,
      method: 'POST',
      path: `${base}/authenticate/transactions/webauthn/finish`,
      requests: started.map(({ item, answer }, i) => ({
        body: json({
          transaction_id: item.answer.transaction_id,
          handshake_id: answer.handshake.id,
          handshake_response: assertions[i],
        }),
      })),
      connections: target.connections,
      ...(finishRate ? { rate: finishRate } : {}),
    }),
  );
  const nonces = parsedResponses<{ nonce: string }>(finish).flatMap((a) => (a ? [a.nonce] : []));
  const redeem = await measured(async () => (await redeemStage(target, nonces)).stage);
  return {
    completed: redeem.ok,
    stages: { transaction, start, finish, redeem },
    finishStage: 'finish',
  };
}

/**
 * A discoverable sign-in for each user: start without a transaction, finish (the credential names
 * the user), redeem.
 *
 * @example
 * const run = await discoverablePhase(target, authenticator, users);
 */
export async function discoverablePhase(
  target: LatchkeyTarget,
  authenticator: SoftwareAuthenticator,
  users: PoolUser[],
): Promise<CeremonyRun> {
  const base = `/v1/apps/${target.appId}`;
  const start = await runStage({
    server: target.server,
    method: 'POST',
    path: `${base}/authenticate/transactions/webauthn/start`,
    requests: users.map(() => ({ body: '{}' })),
    connections: target.connections,
  });
  const started = survivors(
    users,
    parsedResponses<Handshake<PublicKeyCredentialRequestOptionsJSON>>(start),
  );
  const assertions = await signAssertions(
    authenticator,
    target.origin,
    started.map(({ item, answer }) => ({
      credentialId: item.credentialId,
      options: answer.handshake.challenge.publicKey,
    })),
  );
  const finish = await runStage({
    server: target.server,
    method: 'POST',
    path: `${base}/authenticate/transactions/webauthn/finish`,
    requests: started.map(({ answer }, i) => ({
      body: json({ handshake_id: answer.handshake.id, handshake_response: assertions[i] }),
    })),
    connections: target.connections,
  });
  const nonces = parsedResponses<{ nonce: string }>(finish).flatMap((a) => (a ? [a.nonce] : []));
  const redeem = await redeemStage(target, nonces);
  return {
    completed: redeem.completed,
    stages: { start, finish, redeem: redeem.stage },
    finishStage: 'finish',
  };
}

/**
 * Step-up on the actions surface: the backend tracks an action that must be challenged, the page
 * asks for options and verifies a passkey with the action's token, the backend validates the token
 * it got back.
 *
 * @example
 * const run = await stepUpPhase(target, authenticator, users, 'round-1');
 */
export async function stepUpPhase(
  target: LatchkeyTarget,
  authenticator: SoftwareAuthenticator,
  users: PoolUser[],
  tag: string,
): Promise<CeremonyRun> {
  const secret = basicSecret(target.apiKey);
  const track = await runStage({
    server: target.server,
    method: 'POST',
    path: '/v1/users',
    headers: secret,
    requests: users.map((u, i) => ({
      path: `/v1/users/${encodeURIComponent(u.externalId)}/actions/${STEP_UP_ACTION}`,
      body: json({ idempotencyKey: `${tag}-${i}`, custom: { amount: 7500 + i, to: 'ACME Ltd' } }),
    })),
    connections: target.connections,
  });
  const tracked = survivors(users, parsedResponses<{ token: string }>(track));
  const options = await runStage({
    server: target.server,
    method: 'POST',
    path: '/v1/client/user-authenticators/passkey/authentication-options',
    requests: tracked.map(({ answer }) => ({
      body: '{}',
      headers: { authorization: `Bearer ${answer.token}` },
    })),
    connections: target.connections,
  });
  const challenged = survivors(
    tracked,
    parsedResponses<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }>(
      options,
    ),
  );
  const assertions = await signAssertions(
    authenticator,
    target.origin,
    challenged.map(({ item, answer }) => ({
      credentialId: item.item.credentialId,
      options: answer.options,
    })),
  );
  const verify = await runStage({
    server: target.server,
    method: 'POST',
    path: '/v1/client/verify/passkey',
    requests: challenged.map(({ item, answer }, i) => ({
      body: json({ challengeId: answer.challengeId, authenticationCredential: assertions[i] }),
      headers: { authorization: `Bearer ${item.answer.token}` },
    })),
    connections: target.connections,
  });
  const tokens = parsedResponses<{ accessToken: string }>(verify).flatMap((a) =>
    a ? [a.accessToken] : [],
  );
  const validate = await runStage({
    server: target.server,
    method: 'POST',
    path: '/v1/validate',
    headers: secret,
    requests: tokens.map((token) => ({ body: json({ token }) })),
    connections: target.connections,
  });
  const valid = parsedResponses<{ isValid: boolean }>(validate).filter((a) => a?.isValid).length;
  return {
    completed: valid,
    stages: { track, options, verify, validate },
    finishStage: 'verify',
  };
}
