/**
 * latchkey and the bank, both real and listening on free ports, for the bank's tests and the
 * browser tests: latchkey with its own SQLite file, one app whose origin is the bank's with the
 * bank's rules file loaded for `high-value-transfer` (as `npm start` does), and the bank with its
 * own SQLite file, talking to latchkey only through `@latchkey/node` and `@authsignal/node`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Authsignal } from '@authsignal/node';
import { createApp, createRuntime, setActionConfig } from '@latchkey/core';
import { Latchkey } from '@latchkey/node';
import { buildServer } from '@latchkey/server';
import { openStore } from '@latchkey/store';
import { buildBankApp } from '../src/bank-app.ts';
import { BankStore } from '../src/bank-store.ts';
import { TRANSFER_ACTION } from '../src/transfer-approval.ts';

/** The bank's rules for `high-value-transfer`, as `npm start` loads them. */
export const TRANSFER_RULES_FILE = new URL('../rules/high-value-transfer.json', import.meta.url)
  .pathname;

export interface DemoStack {
  /** Where latchkey listens, such as `http://127.0.0.1:41234`. */
  latchkeyUrl: string;
  /** The bank's origin, always `http://localhost:<port>` (an IP address cannot be an RP ID). */
  bankUrl: string;
  appId: string;
  apiKey: string;
  /** The bank's database, for assertions on balances. */
  bank: BankStore;
  /** The bank's SQLite file. */
  bankDbPath: string;
  /** A `@latchkey/node` client of the bank's app. */
  latchkey: Latchkey;
  /** An `@authsignal/node` client of the bank's app. */
  authsignal: Authsignal;
  /**
   * Replaces the rules of `high-value-transfer` over HTTP, with the app's key (`PUT
   * /v1/action-configs/{code}`); without a config, loads the rules file again.
   */
  setTransferRules(config?: unknown): Promise<void>;
  close(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts latchkey and the bank.
 *
 * @example
 * const stack = await startDemoStack();
 * await page.goto(`${stack.bankUrl}/sign-up`);
 * await stack.close();
 */
export async function startDemoStack(): Promise<DemoStack> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-demo-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'latchkey.db')}` });
  const runtime = createRuntime({ store });
  const server = await buildServer({ runtime, logger: false });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('latchkey is not on TCP');
  const latchkeyUrl = `http://127.0.0.1:${address.port}`;

  const bankPort = await freePort();
  const bankUrl = `http://localhost:${bankPort}`;
  const created = await createApp(runtime, { name: 'latchkey bank', origins: [bankUrl] });
  const latchkey = new Latchkey({
    appId: created.app.id,
    apiKey: created.apiKey,
    baseUrl: latchkeyUrl,
  });
  await setActionConfig(runtime, {
    appId: created.app.id,
    actionCode: TRANSFER_ACTION,
    config: JSON.parse(readFileSync(TRANSFER_RULES_FILE, 'utf8')),
  });
  const authsignal = new Authsignal({
    apiSecretKey: created.apiKey,
    apiUrl: `${latchkeyUrl}/v1`,
    retries: 0,
  });
  const bankDbPath = join(dir, 'bank.db');
  const bank = new BankStore(bankDbPath);
  const bankApp = await buildBankApp({
    store: bank,
    latchkey,
    authsignal,
    appId: created.app.id,
    latchkeyUrl,
    origin: bankUrl,
  });
  await bankApp.listen({ port: bankPort, host: '127.0.0.1' });

  return {
    latchkeyUrl,
    bankUrl,
    appId: created.app.id,
    apiKey: created.apiKey,
    bank,
    bankDbPath,
    latchkey,
    authsignal,
    async setTransferRules(config) {
      const body = config ?? JSON.parse(readFileSync(TRANSFER_RULES_FILE, 'utf8'));
      const res = await fetch(`${latchkeyUrl}/v1/action-configs/${TRANSFER_ACTION}`, {
        method: 'PUT',
        headers: {
          authorization: `Basic ${Buffer.from(`${created.apiKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`setting the rules failed: ${res.status} ${await res.text()}`);
    },
    async close() {
      await bankApp.close();
      bank.close();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
