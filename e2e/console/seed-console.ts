/**
 * A latchkey server on a temporary SQLite database with a week of believable history, for the
 * console's screenshots: an app with the bank example's transfer rules, users who registered and
 * signed in with passkeys of several providers (over the flex API, with the software
 * authenticator), refused and abandoned ceremonies, tracked transfers and an operator's changes.
 * The history is written by moving the server's clock back, never by writing audit rows by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import {
  createApp,
  createOperatorToken,
  createRuntime,
  setActionConfig,
  trackAction,
} from '@latchkey/core';
import { buildServer } from '@latchkey/server';
import { openStore } from '@latchkey/store';

const ORIGIN = 'https://bank.example';
const HOUR = 3_600_000;
const RULES = new URL('../../examples/bank/rules/high-value-transfer.json', import.meta.url);

/** Passkey providers by AAGUID, as the console shows them. */
const PROVIDERS = {
  icloud: { aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd' },
  google: { aaguid: 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4' },
  onePassword: { aaguid: 'bada5566-a7aa-401f-bd96-45619a55120d' },
  yubikey: {
    aaguid: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
    backupEligible: false,
    attachment: 'cross-platform' as const,
    transports: ['usb', 'nfc'],
  },
};

export interface SeededConsole {
  /** The console's address (on localhost, as WebAuthn wants). */
  consoleUrl: string;
  operatorToken: string;
  appId: string;
  close(): Promise<void>;
}

/**
 * Starts the server and writes the history.
 *
 * @example
 * const seeded = await seedConsole();
 * await page.goto(seeded.consoleUrl);
 */
export async function seedConsole(): Promise<SeededConsole> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-console-seed-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
  let shift = 0;
  const runtime = createRuntime({ store, now: () => Date.now() + shift });
  // The seed sends documentation addresses as X-Forwarded-For through the loopback "proxy".
  const server = await buildServer({ runtime, logger: false, trustProxy: ['loopback'] });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  const api = `http://127.0.0.1:${address.port}`;
  const at = (hoursAgo: number) => {
    shift = -hoursAgo * HOUR;
  };

  at(24 * 6.5);
  const { app, apiKey } = await createApp(runtime, {
    name: 'Acme Bank',
    origins: [ORIGIN],
    policy: {
      rateLimits: { startsPerIp: 0, startsPerApp: 0, failuresPerIp: 0, failuresPerApp: 0 },
    },
  });
  await setActionConfig(runtime, {
    appId: app.id,
    actionCode: 'high-value-transfer',
    config: JSON.parse(readFileSync(RULES, 'utf8')),
  });

  async function flex(path: string, body: unknown, ip: string, key?: string) {
    const response = await fetch(`${api}/v1/apps/${app.id}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: ORIGIN,
        'x-forwarded-for': ip,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
  type Handshake = { handshake: { id: string; challenge: { publicKey: never } } };

  async function register(
    externalId: string,
    displayName: string,
    authenticator: SoftwareAuthenticator,
    ip: string,
    origin = ORIGIN,
  ): Promise<void> {
    const { transaction_id } = (await flex(
      '/transactions/register',
      { external_id: externalId, passkey_display_name: displayName },
      ip,
      apiKey,
    )) as { transaction_id: string };
    const started = await flex('/register/transactions/webauthn/start', { transaction_id }, ip);
    const { handshake } = started as Handshake;
    const response = await authenticator.createCredential({
      options: handshake.challenge.publicKey,
      origin,
    });
    const finished = await flex(
      '/register/transactions/webauthn/finish',
      { transaction_id, handshake_id: handshake.id, handshake_response: response },
      ip,
    );
    await flex('/authenticate/verify', { nonce: finished.nonce }, ip, apiKey);
  }

  async function signIn(
    externalId: string,
    authenticator: SoftwareAuthenticator,
    ip: string,
    options: { finish?: boolean } = {},
  ): Promise<void> {
    const { transaction_id } = (await flex(
      '/transactions/authenticate',
      { external_id: externalId },
      ip,
      apiKey,
    )) as { transaction_id: string };
    const started = await flex('/authenticate/transactions/webauthn/start', { transaction_id }, ip);
    if (options.finish === false) return;
    const { handshake } = started as Handshake;
    const response = await authenticator.getAssertion({
      options: handshake.challenge.publicKey,
      origin: ORIGIN,
    });
    const finished = await flex(
      '/authenticate/transactions/webauthn/finish',
      { transaction_id, handshake_id: handshake.id, handshake_response: response },
      ip,
    );
    await flex('/authenticate/verify', { nonce: finished.nonce }, ip, apiKey);
  }

  const ada = new SoftwareAuthenticator(PROVIDERS.icloud);
  const bob = new SoftwareAuthenticator(PROVIDERS.yubikey);
  const bobPhone = new SoftwareAuthenticator(PROVIDERS.google);
  const carol = new SoftwareAuthenticator(PROVIDERS.onePassword);
  await register('ada@example.com', 'Ada Lovelace', ada, '203.0.113.7');
  at(24 * 6);
  await register('bob@example.com', 'Bob Smith', bob, '198.51.100.23');
  await register('bob@example.com', 'Bob Smith', bobPhone, '198.51.100.23');
  at(24 * 5);
  await register('carol@example.com', 'Carol Danvers', carol, '192.0.2.44');
  // A look-alike page's response: refused as origin_mismatch.
  await register(
    'carol@example.com',
    'Carol Danvers',
    new SoftwareAuthenticator(),
    '192.0.2.99',
    'https://bank.example.evil.example',
  ).catch(() => undefined);
  for (const [hoursAgo, who, authenticator, ip] of [
    [24 * 4, 'ada@example.com', ada, '203.0.113.7'],
    [24 * 3, 'bob@example.com', bob, '198.51.100.23'],
    [24 * 2.5, 'carol@example.com', carol, '192.0.2.44'],
    [24 * 2, 'ada@example.com', ada, '203.0.113.7'],
    [30, 'bob@example.com', bobPhone, '198.51.100.23'],
    [20, 'carol@example.com', carol, '192.0.2.44'],
    [6, 'ada@example.com', ada, '203.0.113.7'],
    [2, 'bob@example.com', bob, '198.51.100.23'],
  ] as const) {
    at(hoursAgo);
    await signIn(who, authenticator, ip);
  }
  // Started and never finished: abandoned once their five minutes are over.
  at(26);
  await signIn('carol@example.com', carol, '192.0.2.44', { finish: false });
  at(3);
  await signIn('ada@example.com', ada, '203.0.113.7', { finish: false });
  // A sign-in with a passkey this app does not know: refused as credential_unknown.
  at(5);
  await signIn('ada@example.com', new SoftwareAuthenticator(), '203.0.113.50').catch(
    () => undefined,
  );

  for (const [hoursAgo, externalId, amount, isNewRecipient, recipient] of [
    [50, 'ada@example.com', 12_500, false, 'Grace Hopper'],
    [28, 'bob@example.com', 750_000, false, 'ACME Ltd'],
    [7, 'carol@example.com', 4_200, true, 'Diana Prince'],
    [1, 'ada@example.com', 89_900, false, 'Grace Hopper'],
  ] as const) {
    at(hoursAgo);
    await trackAction(runtime, {
      appId: app.id,
      externalId,
      actionCode: 'high-value-transfer',
      attributes: { custom: { amount, isNewRecipient, recipient } },
    });
  }

  at(0);
  const operator = await createOperatorToken(runtime, { name: 'Olivia (ops)' });
  // An operator revokes Bob's lost YubiKey through the admin API.
  const adminCall = (method: string, path: string) =>
    fetch(`${api}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${operator.token}` },
    });
  const bobUser = await store.users.findByExternalId(app.id, 'bob@example.com');
  const bobKeys = bobUser ? await store.credentials.listByUser(app.id, bobUser.id) : [];
  const yubikey = bobKeys.find((c) => c.aaguid === PROVIDERS.yubikey.aaguid);
  if (bobUser && yubikey) {
    await adminCall('DELETE', `/apps/${app.id}/users/${bobUser.id}/passkeys/${yubikey.id}`);
  }

  return {
    consoleUrl: `http://localhost:${address.port}/console`,
    operatorToken: operator.token,
    appId: app.id,
    close: async () => {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
