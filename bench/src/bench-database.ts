/**
 * A fresh database for one benchmark server: a SQLite file in a temporary directory, or a new
 * database on the PostgreSQL server named by `--db` (dropped afterwards). The bench app is created
 * in it with its rate limits raised out of the way (still counted, never reached).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createRuntime, RATE_LIMIT_MAX } from '@latchkey/core';
import { openStore, type SqlStore } from '@latchkey/store';
import { sql } from 'kysely';
import pg from 'pg';
import { STEP_UP_ACTION } from './latchkey-phases.ts';

export const BENCH_ORIGIN = 'https://bench.example';

/** A database made for one run, with the bench app in it. */
export interface BenchDatabase {
  url: string;
  appId: string;
  apiKey: string;
  /** The store, open until {@link BenchDatabase.release} (for bulk loads and size readings). */
  store: SqlStore;
  /** Bytes the database takes on disk now. */
  sizeBytes(): Promise<number>;
  /** Closes the bench's own connection (the server keeps its own). */
  release(): Promise<void>;
  /** Removes the database. */
  drop(): Promise<void>;
}

/**
 * Creates the database and the app.
 *
 * @example
 * const database = await createBenchDatabase(undefined); // SQLite in a temp dir
 */
export async function createBenchDatabase(postgresUrl: string | undefined): Promise<BenchDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  let sizeOf: (store: SqlStore) => Promise<number>;
  if (postgresUrl) {
    const name = `latchkey_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const parsed = new URL(postgresUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    drop = async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
    sizeOf = async (store) => {
      const { rows } = await sql<{
        size: string;
      }>`select pg_database_size(current_database()) as size`.execute(store.db);
      return Number(rows[0]?.size ?? Number.NaN);
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
    const path = join(dir, 'latchkey.db');
    url = `sqlite:${path}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
    sizeOf = async (store) => {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
      return statSync(path).size;
    };
  }
  const store = await openStore({ url });
  const runtime = createRuntime({ store });
  const { app, apiKey } = await createApp(
    runtime,
    {
      name: 'bench',
      origins: [BENCH_ORIGIN],
      policy: {
        rateLimits: {
          startsPerIp: RATE_LIMIT_MAX,
          startsPerApp: RATE_LIMIT_MAX,
          failuresPerIp: RATE_LIMIT_MAX,
          failuresPerApp: RATE_LIMIT_MAX,
        },
      },
    },
    { ip: null, userAgent: 'latchkey-bench', requestId: null },
  );
  await store.actionConfigs.put({
    appId: app.id,
    actionCode: STEP_UP_ACTION,
    defaultOutcome: 'CHALLENGE',
    rules: [],
    updatedAt: Date.now(),
  });
  let open = true;
  const release = async (): Promise<void> => {
    if (!open) return;
    open = false;
    await store.close();
  };
  return {
    url,
    appId: app.id,
    apiKey,
    store,
    sizeBytes: () => sizeOf(store),
    release,
    async drop() {
      await release();
      await drop();
    },
  };
}
