/**
 * What the actions tests share: the real server listening on a real port, the published
 * `@authsignal/node` pointed at it, and a page stand-in that makes exactly the HTTP calls of
 * `@authsignal/browser`'s passkey module, with the software authenticator as the platform.
 */

import { Authsignal } from '@authsignal/node';
import type { AssertionOverrides, RegistrationOverrides } from '@latchkey/authenticator';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import type { databases } from '../../../testing/harness.ts';
import { type Harness, ORIGIN, openHarness } from '../../../testing/harness.ts';

/** A harness whose server listens, with an Authsignal client for its app. */
export interface ActionsHarness extends Harness {
  baseUrl: string;
  authsignal: Authsignal;
  /** A browser SDK stand-in for the harness app (or another tenant). */
  page(tenantId?: string): PageClient;
  /** Sets an action code's rules through the HTTP route, with the app's secret key. */
  setRules(actionCode: string, config: unknown, apiKey?: string): Promise<Response>;
}

export const LARGE_TRANSFER_RULES = {
  defaultOutcome: 'ALLOW',
  rules: [
    {
      name: 'large transfer',
      priority: 10,
      outcome: 'CHALLENGE',
      conditions: { '>': [{ var: 'custom.amount' }, 5000] },
    },
  ],
};

/** Opens a harness on one database and makes its server listen on 127.0.0.1. */
export async function openActionsHarness(
  db: ReturnType<typeof databases>[number],
): Promise<ActionsHarness> {
  const h = await openHarness(db);
  await h.server.listen({ port: 0, host: '127.0.0.1' });
  const address = h.server.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no port');
  const baseUrl = `http://127.0.0.1:${address.port}/v1`;
  const authsignal = new Authsignal({ apiSecretKey: h.app.apiKey, apiUrl: baseUrl, retries: 0 });
  return {
    ...h,
    baseUrl,
    authsignal,
    page: (tenantId = h.app.id) => new PageClient(baseUrl, tenantId),
    setRules: (actionCode, config, apiKey = h.app.apiKey) =>
      fetch(`${baseUrl}/action-configs/${actionCode}`, {
        method: 'PUT',
        headers: {
          authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(config),
      }),
  };
}

type Json = Record<string, any>;

/**
 * The HTTP calls of `@authsignal/browser` 1.16's `passkey.signUp` and `passkey.signIn`, step by
 * step, so that tests can tamper with any step. Headers as the SDK builds them: Bearer with a
 * token, else `Basic base64(encodeURIComponent(tenantId))` with no colon.
 */
export class PageClient {
  constructor(
    readonly baseUrl: string,
    readonly tenantId: string,
    readonly origin: string = ORIGIN,
  ) {}

  async call(path: string, body: unknown, token?: string | null, method = 'POST'): Promise<Json> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'Content-Type': 'application/json',
        Origin: this.origin,
        Authorization: token
          ? `Bearer ${token}`
          : `Basic ${Buffer.from(encodeURIComponent(this.tenantId)).toString('base64')}`,
      },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as Json;
  }

  /** `passkey.signUp({token, username})`; returns the add-passkey answer (or the first error). */
  async signUp(options: {
    token: string;
    username?: string;
    authenticator: SoftwareAuthenticator;
    overrides?: RegistrationOverrides;
    attestation?: 'none' | 'packed';
  }): Promise<Json> {
    const started = await this.call(
      '/client/user-authenticators/passkey/registration-options',
      { username: options.username },
      options.token,
    );
    if ('error' in started) return started;
    const credential = await options.authenticator.createCredential({
      options: started.options,
      origin: this.origin,
      ...(options.overrides ? { overrides: options.overrides } : {}),
      ...(options.attestation ? { attestation: options.attestation } : {}),
    });
    return this.call(
      '/client/user-authenticators/passkey',
      {
        registrationCredential: credential,
        conditionalCreate: false,
        challengeId: started.challengeId,
      },
      options.token,
    );
  }

  /** The options step of `passkey.signIn`: with a token (step-up) or a challenge id. */
  authenticationOptions(token: string | null, challengeId?: string): Promise<Json> {
    return this.call(
      '/client/user-authenticators/passkey/authentication-options',
      { challengeId },
      token,
    );
  }

  /** `passkey.signIn({token})` or, without one, `passkey.signIn({action})`. */
  async signIn(options: {
    token?: string;
    action?: string;
    authenticator: SoftwareAuthenticator;
    overrides?: AssertionOverrides;
  }): Promise<Json> {
    let challengeId: string | undefined;
    if (options.action) {
      const challenge = await this.call('/client/challenge', { action: options.action });
      if ('error' in challenge) return challenge;
      challengeId = challenge.challengeId;
    }
    const started = await this.authenticationOptions(options.token ?? null, challengeId);
    if ('error' in started) return started;
    const assertion = await options.authenticator.getAssertion({
      options: started.options,
      origin: this.origin,
      ...(options.overrides ? { overrides: options.overrides } : {}),
    });
    return this.verify(options.token ?? null, started.challengeId, assertion);
  }

  verify(token: string | null, challengeId: string, assertion: unknown): Promise<Json> {
    return this.call(
      '/client/verify/passkey',
      { authenticationCredential: assertion, deviceId: 'device-1', challengeId },
      token,
    );
  }
}

/** Enrolls a first passkey for a user through track + signUp; returns the authenticator. */
export async function enroll(
  h: ActionsHarness,
  userId: string,
  authenticator = new SoftwareAuthenticator(),
  attestation: 'none' | 'packed' = 'none',
): Promise<SoftwareAuthenticator> {
  const tracked = await h.authsignal.track({
    userId,
    action: 'enroll-passkey',
    attributes: { scope: 'add:authenticators' },
  });
  const added = await h
    .page()
    .signUp({ token: tracked.token, username: userId, authenticator, attestation });
  if (!added.isVerified) throw new Error(`enroll failed: ${JSON.stringify(added)}`);
  return authenticator;
}
