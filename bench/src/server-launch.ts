/**
 * Every server process of the comparison, started at once: the databases first (each server's own,
 * the bench app in it), then the processes, which take seconds each to load; they are pinned to
 * their cores only once ready (see processes.ts).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type BenchDatabase, createBenchDatabase } from './bench-database.ts';
import type { BenchOptions } from './bench-options.ts';
import { type LatchkeyProcess, startLatchkey } from './latchkey-server.ts';
import type { Placement } from './placement.ts';
import { freePort, type ServerProcess, startServer } from './processes.ts';
import { REFERENCE_API_KEY_ENV } from './reference/reference-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Things to undo, last first, whatever happened. */
export type Cleanup = (() => Promise<void>)[];

/** A latchkey server on a database of its own, with the bench app in it. */
export interface LaunchedServer {
  server: LatchkeyProcess;
  url: string;
  appId: string;
  apiKey: string;
}

/** The run's processes; null where the run does not measure that server. */
export interface Launched {
  main: LaunchedServer;
  reference: { server: ServerProcess; apiKey: string };
  /** A second server on PostgreSQL (with `--postgres`, unless the main one is on PostgreSQL). */
  postgres: LaunchedServer | null;
  /** A server counting rate limits in Redis, on the main server's kind of database. */
  redis: LaunchedServer | null;
  /** A second process on the PostgreSQL database (the main one's or the second server's). */
  second: LatchkeyProcess | null;
}

/**
 * Like `Promise.all`, but waits for every promise to settle before throwing the first failure, so
 * that whatever the others started is on the cleanup list by then.
 */
async function all<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> | T[K] },
): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function database(postgresUrl: string | undefined, cleanup: Cleanup): Promise<BenchDatabase> {
  const created = await createBenchDatabase(postgresUrl);
  cleanup.push(() => created.drop());
  await created.release();
  return created;
}

async function latchkey(
  options: Parameters<typeof startLatchkey>[0],
  cleanup: Cleanup,
): Promise<LatchkeyProcess> {
  const server = await startLatchkey(options);
  cleanup.push(() => server.stop());
  return server;
}

async function launched(
  on: BenchDatabase,
  options: Omit<Parameters<typeof startLatchkey>[0], 'url'>,
  cleanup: Cleanup,
): Promise<LaunchedServer> {
  const server = await latchkey({ ...options, url: on.url }, cleanup);
  return { server, url: on.url, appId: on.appId, apiKey: on.apiKey };
}

async function reference(
  core: number | null,
  cleanup: Cleanup,
): Promise<{ server: ServerProcess; apiKey: string }> {
  const apiKey = randomBytes(24).toString('base64url');
  const port = await freePort();
  const server = await startServer({
    script: 'bench/src/reference/reference-server.ts',
    args: ['--port', String(port)],
    port,
    cwd: ROOT,
    core,
    env: { [REFERENCE_API_KEY_ENV]: apiKey },
  });
  cleanup.push(() => server.stop());
  return { server, apiKey };
}

/**
 * Creates the databases and starts the processes the options ask for. Everything made is on
 * `cleanup` as soon as it exists, so that a failure part way leaves nothing behind.
 *
 * @example
 * const launched = await launchServers(options, placement(true, 2), cleanup);
 */
export async function launchServers(
  options: BenchOptions,
  cores: Placement,
  cleanup: Cleanup,
): Promise<Launched> {
  const separatePostgres = options.postgres && !options.db ? options.postgres : undefined;
  const [mainDatabase, postgresDatabase, redisDatabase] = await all([
    database(options.db, cleanup),
    separatePostgres ? database(separatePostgres, cleanup) : null,
    options.redis ? database(options.db, cleanup) : null,
  ]);
  const pairedUrl = options.db ? mainDatabase.url : postgresDatabase?.url;
  const core = cores.server;
  const [main, referenceServer, postgres, redis, second] = await all([
    launched(
      mainDatabase,
      { name: 'main', core, ...(options.cpuProf ? { cpuProfDir: options.cpuProf } : {}) },
      cleanup,
    ),
    reference(core, cleanup),
    postgresDatabase ? launched(postgresDatabase, { name: 'postgres', core }, cleanup) : null,
    redisDatabase && options.redis
      ? launched(redisDatabase, { name: 'redis', core, redis: options.redis }, cleanup)
      : null,
    pairedUrl
      ? latchkey({ url: pairedUrl, name: 'second', core: cores.secondServer }, cleanup)
      : null,
  ]);
  return { main, reference: referenceServer, postgres, redis, second };
}
