/**
 * Test harness for service-level tests: a real store (SQLite, and PostgreSQL where configured), the
 * real server driven in process with `inject()`, and the software authenticator as the browser.
 */
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { type AppPolicy, createApp, createRuntime, type Runtime } from '@latchkey/core';
import { createSqlRateLimitCounter, type SqlStore, statementCount } from '@latchkey/store';
import { testDatabases } from '@latchkey/store/testing';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../app.ts';

export const ORIGIN = 'https://bank.example';
export const RP_ID = 'bank.example';

/** Every rate limit off. */
export const NO_RATE_LIMITS = {
  startsPerIp: 0,
  startsPerApp: 0,
  failuresPerIp: 0,
  failuresPerApp: 0,
};

/** A policy with only the given rate limits on. */
export function limits(set: Partial<AppPolicy['rateLimits']>): Partial<AppPolicy> {
  return { rateLimits: { ...NO_RATE_LIMITS, ...set } };
}

/** A clock a test can move. Each reading ticks one millisecond, so events keep their order. */
export class TestClock {
  constructor(public ms = Date.parse('2026-06-01T12:00:00Z')) {}
  now = (): number => this.ms++;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface Harness {
  dbName: string;
  store: SqlStore;
  runtime: Runtime;
  server: FastifyInstance;
  clock: TestClock;
  app: { id: string; apiKey: string };
  /** Creates another app on the same server. */
  newApp(options?: {
    origins?: string[];
    policy?: Partial<AppPolicy>;
  }): Promise<{ id: string; apiKey: string }>;
  /** Calls the management API with an API key (the harness app's unless given). */
  manage(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    options?: { apiKey?: string | null; appId?: string },
  ): Promise<LightMyRequestResponse>;
  /** Calls the auth API as a browser would (no Authorization). */
  browser(
    path: string,
    body?: unknown,
    options?: { appId?: string; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function openHarness(
  db: ReturnType<typeof testDatabases>[number],
  options: { policy?: Partial<AppPolicy> } = {},
): Promise<Harness> {
  const opened = await db.open();
  const clock = new TestClock();
  const runtime = createRuntime({ store: opened.store, now: clock.now });
  const server = await buildServer({
    runtime,
    logger: false,
    rateLimitCounter: createSqlRateLimitCounter(opened.store.db),
    statements: () => statementCount(opened.store.db),
  });
  const newApp = async (o: { origins?: string[]; policy?: Partial<AppPolicy> } = {}) => {
    const created = await createApp(runtime, {
      name: 'Bank',
      origins: o.origins ?? [ORIGIN],
      // Tests fire far more ceremonies a minute than a person: limits are off unless a test sets them.
      policy: { rateLimits: NO_RATE_LIMITS, ...o.policy },
    });
    return { id: created.app.id, apiKey: created.apiKey };
  };
  const app = await newApp({ ...(options.policy ? { policy: options.policy } : {}) });
  const harness: Harness = {
    dbName: db.name,
    store: opened.store,
    runtime,
    server,
    clock,
    app,
    newApp,
    manage: (method, path, body, o = {}) => {
      const apiKey = o.apiKey === undefined ? app.apiKey : o.apiKey;
      return server.inject({
        method,
        url: `/v1/apps/${o.appId ?? app.id}${path}`,
        headers: apiKey === null ? {} : { authorization: `Bearer ${apiKey}` },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
    },
    browser: (path, body, o = {}) =>
      server.inject({
        method: 'POST',
        url: `/v1/apps/${o.appId ?? app.id}${path}`,
        headers: { 'content-type': 'application/json', origin: ORIGIN, ...o.headers },
        payload: JSON.stringify(body ?? {}),
      }),
    close: async () => {
      await server.close();
      await opened.cleanup();
    },
  };
  return harness;
}

/** Every database the tests run against, each with a name for the test titles. */
export function databases(): ReturnType<typeof testDatabases> {
  return testDatabases();
}

export interface Started<T> {
  handshakeId: string;
  options: T;
  transactionId: string | null;
}

/** Management: a register transaction for an external id. */
export async function registerTransaction(
  h: Harness,
  externalId: string,
  appId?: string,
  apiKey?: string,
): Promise<string> {
  const res = await h.manage(
    'POST',
    '/transactions/register',
    { external_id: externalId, passkey_display_name: `${externalId}@bank.example` },
    { ...(appId ? { appId } : {}), ...(apiKey ? { apiKey } : {}) },
  );
  if (res.statusCode !== 201)
    throw new Error(`register transaction: ${res.statusCode} ${res.body}`);
  return res.json().transaction_id;
}

export async function startRegister(
  h: Harness,
  transactionId: string,
  appId?: string,
): Promise<Started<PublicKeyCredentialCreationOptionsJSON>> {
  const res = await h.browser(
    '/register/transactions/webauthn/start',
    { transaction_id: transactionId },
    appId ? { appId } : {},
  );
  if (res.statusCode !== 200) throw new Error(`register start: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    handshakeId: body.handshake.id,
    options: body.handshake.challenge.publicKey,
    transactionId,
  };
}

export function finishRegister(
  h: Harness,
  started: Started<unknown>,
  response: RegistrationResponseJSON | Record<string, unknown>,
  appId?: string,
): Promise<LightMyRequestResponse> {
  return h.browser(
    '/register/transactions/webauthn/finish',
    {
      transaction_id: started.transactionId,
      handshake_id: started.handshakeId,
      handshake_response: response,
    },
    appId ? { appId } : {},
  );
}

export async function startLogin(
  h: Harness,
  transactionId: string | null,
  appId?: string,
): Promise<Started<PublicKeyCredentialRequestOptionsJSON>> {
  const res = await h.browser(
    '/authenticate/transactions/webauthn/start',
    transactionId === null ? {} : { transaction_id: transactionId },
    appId ? { appId } : {},
  );
  if (res.statusCode !== 200) throw new Error(`authenticate start: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    handshakeId: body.handshake.id,
    options: body.handshake.challenge.publicKey,
    transactionId,
  };
}

export function finishLogin(
  h: Harness,
  started: Started<unknown>,
  response: AuthenticationResponseJSON | Record<string, unknown>,
  appId?: string,
): Promise<LightMyRequestResponse> {
  return h.browser(
    '/authenticate/transactions/webauthn/finish',
    {
      ...(started.transactionId ? { transaction_id: started.transactionId } : {}),
      handshake_id: started.handshakeId,
      handshake_response: response,
    },
    appId ? { appId } : {},
  );
}

/** Registers a passkey for an external id end to end; returns the authenticator and credential id. */
export async function registerUser(
  h: Harness,
  externalId: string,
  authenticator = new SoftwareAuthenticator(),
): Promise<{ authenticator: SoftwareAuthenticator; credentialId: string; nonce: string }> {
  const started = await startRegister(h, await registerTransaction(h, externalId));
  const response = await authenticator.createCredential({
    options: started.options,
    origin: ORIGIN,
  });
  const res = await finishRegister(h, started, response);
  if (res.statusCode !== 200) throw new Error(`register finish: ${res.statusCode} ${res.body}`);
  return { authenticator, credentialId: response.id, nonce: res.json().nonce };
}

export async function authenticateTransaction(h: Harness, externalId: string): Promise<string> {
  const res = await h.manage('POST', '/transactions/authenticate', { external_id: externalId });
  if (res.statusCode !== 201)
    throw new Error(`authenticate transaction: ${res.statusCode} ${res.body}`);
  return res.json().transaction_id;
}

/** Redeems a nonce; returns the response. */
export function verifyNonce(
  h: Harness,
  nonce: string,
  options: { appId?: string; apiKey?: string } = {},
): Promise<LightMyRequestResponse> {
  return h.manage('POST', '/authenticate/verify', { nonce }, options);
}

/** The audit events of a type for the harness app, newest first. */
export async function auditEvents(
  h: Harness,
  type: Parameters<SqlStore['audit']['list']>[0]['type'],
  appId?: string,
) {
  return h.store.audit.list({ appId: appId ?? h.app.id, ...(type ? { type } : {}), limit: 100 });
}

export { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
