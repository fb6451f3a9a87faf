/**
 * Runs the bank: `node --import tsx examples/bank/src/main.ts` with `LATCHKEY_APP_ID` and
 * `LATCHKEY_API_KEY` set (see `config.ts`). `npm start` at the repository root does all of it.
 */
import { Authsignal } from '@authsignal/node';
import { Latchkey } from '@latchkey/node';
import { buildBankApp } from './bank-app.ts';
import { BankStore } from './bank-store.ts';
import { loadConfig } from './config.ts';

const config = loadConfig(process.env);
const store = new BankStore(config.databasePath);
const app = await buildBankApp({
  store,
  latchkey: new Latchkey({
    appId: config.latchkey.appId,
    apiKey: config.latchkey.apiKey,
    baseUrl: config.latchkey.url,
  }),
  // The actions API speaks Authsignal's wire contract under /v1, with the app's API key as secret.
  authsignal: new Authsignal({
    apiSecretKey: config.latchkey.apiKey,
    apiUrl: `${config.latchkey.url}/v1`,
  }),
  appId: config.latchkey.appId,
  latchkeyUrl: config.latchkey.url,
  origin: config.origin,
  logger: { level: process.env.LOG_LEVEL ?? 'warn' },
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await app.close();
  store.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

await app.listen({ port: config.port, host: config.host });
process.stdout.write(`bank listening on ${config.origin}\n`);
