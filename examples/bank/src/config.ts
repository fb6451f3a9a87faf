/**
 * The bank's settings, from the environment.
 */

/** What the bank needs to run. */
export interface BankConfig {
  port: number;
  host: string;
  /** The origin customers open, and the one latchkey's app allows (passkeys are bound to it). */
  origin: string;
  databasePath: string;
  latchkey: { url: string; appId: string; apiKey: string };
}

/**
 * Reads `PORT` (3000), `HOST` (127.0.0.1), `BANK_ORIGIN` (`http://localhost:<port>`), `BANK_DB`
 * (`./bank.db`), and latchkey's `LATCHKEY_URL` (`http://127.0.0.1:8080`), `LATCHKEY_APP_ID` and
 * `LATCHKEY_API_KEY` (both required).
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): BankConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  }
  const appId = env.LATCHKEY_APP_ID;
  const apiKey = env.LATCHKEY_API_KEY;
  if (!appId || !apiKey) {
    throw new Error(
      'LATCHKEY_APP_ID and LATCHKEY_API_KEY are required: create an app with ' +
        '`npx latchkey apps create --name "latchkey bank" --origin http://localhost:3000 --json`, ' +
        'or run `npm start` at the repository root, which does it for you',
    );
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    origin: env.BANK_ORIGIN ?? `http://localhost:${port}`,
    databasePath: env.BANK_DB ?? './bank.db',
    latchkey: { url: env.LATCHKEY_URL ?? 'http://127.0.0.1:8080', appId, apiKey },
  };
}
