/**
 * PostgreSQL's change signal for the store's configuration caches: a connection of its own that
 * `LISTEN`s on {@link CONFIG_CHANNEL}, where triggers on the configuration tables (migration
 * 0013) announce every committed change with the changed table's schema as the payload. Changes
 * in other schemas of the same database (other isolated instances, tests) are ignored.
 *
 * While the listening connection is down (not yet up, lost, being re-made), nothing can be known,
 * so every turn is a new version and the caches keep nothing past their turn; once listening
 * again, the version moves once more, since anything may have changed while nobody listened.
 */
import pg from 'pg';
import type { ChangeSignal } from '../caching/change-signal.ts';

/** The channel the configuration triggers notify. */
export const CONFIG_CHANNEL = 'latchkey_config';

/** How long to wait before listening again after the connection is lost. */
const RELISTEN_DELAY_MS = 1_000;

/** Options of {@link listenForConfigChanges}. */
export interface ConfigListenerOptions {
  url: string;
  /** The schema whose changes count (the store's own). */
  schema: string;
  connectTimeoutMs: number;
}

/** The signal, and which server process listens (for operators' queries and tests). */
export interface ConfigListener extends ChangeSignal {
  /** The PostgreSQL backend's process id of the listening connection, or null while down. */
  backendPid(): number | null;
}

/**
 * Opens the listening connection and resolves once it listens, or once it has failed (it then
 * keeps trying in the background); a store is usable either way.
 *
 * @example
 * const changes = await listenForConfigChanges({ url, schema: 'public', connectTimeoutMs: 5_000 });
 */
export async function listenForConfigChanges(
  options: ConfigListenerOptions,
): Promise<ConfigListener> {
  let version = 0;
  let listening = false;
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;

  const lost = (lostClient: pg.Client): void => {
    if (client !== lostClient) return;
    client = null;
    listening = false;
    lostClient.end().catch(() => {});
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void listen();
    }, RELISTEN_DELAY_MS);
    retry.unref();
  };

  const listen = async (): Promise<void> => {
    const candidate = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      keepAlive: true,
      application_name: 'latchkey config listener',
    });
    client = candidate;
    candidate.on('error', () => lost(candidate));
    candidate.on('end', () => lost(candidate));
    candidate.on('notification', (message) => {
      if (message.channel === CONFIG_CHANNEL && message.payload === options.schema) version++;
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${CONFIG_CHANNEL}`);
      if (closed || client !== candidate) {
        await candidate.end().catch(() => {});
        return;
      }
      listening = true;
      version++;
    } catch {
      lost(candidate);
    }
  };

  await listen();
  return {
    version: () => (listening ? version : ++version),
    backendPid: () =>
      listening ? ((client as { processID?: number } | null)?.processID ?? null) : null,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const open = client;
      client = null;
      listening = false;
      await open?.end().catch(() => {});
    },
  };
}
