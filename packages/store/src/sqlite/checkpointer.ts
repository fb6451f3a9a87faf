/**
 * Checkpoints the SQLite WAL from a worker thread.
 *
 * Why: by default the connection that commits also checkpoints, every 1,000 WAL pages: it copies
 * those pages back into the database file and, with `synchronous = normal`, waits for an fsync of
 * it. On the server that connection is the event loop's, so every few hundred sign-ins all
 * requests in flight stalled for the length of a checkpoint, which is what the benchmark's p99
 * latency showed. Here the server's own connection never checkpoints (`wal_autocheckpoint = 0`);
 * a second connection in a worker thread runs `PASSIVE` checkpoints, which never wait for (nor
 * block) the writer, and a final `TRUNCATE` checkpoint when the store closes.
 *
 * The WAL grows by what is written between two checkpoints (a few MB at full load) and is reused
 * from its start after each complete one.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 250;

// CommonJS inside the worker: better-sqlite3 is a CommonJS package and `eval` workers are scripts.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = (mode) => {
  try {
    db.pragma('wal_checkpoint(' + mode + ')');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message ? error.message : error) });
  }
};
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/** A running background checkpointer. */
export interface Checkpointer {
  /** Runs a last checkpoint and ends the worker. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing the WAL of the database at `path` in a worker thread. The caller turns off
 * its own connection's automatic checkpoints.
 *
 * @example
 * database.pragma('wal_autocheckpoint = 0');
 * const checkpointer = startCheckpointer('/var/lib/latchkey/latchkey.db');
 * await checkpointer.stop();
 */
export function startCheckpointer(
  path: string,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  // The worker must never keep a process alive that is otherwise done.
  worker.unref();
  let stopped: Promise<void> | undefined;
  let exited = false;
  worker.once('exit', () => {
    exited = true;
    if (!stopped) options.onError?.('the checkpoint worker exited');
  });
  worker.on('error', (error) => options.onError?.(error.message));
  worker.on('message', (message: { error?: string }) => {
    if (message.error) options.onError?.(message.error);
  });
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (exited) return resolve();
        worker.once('exit', () => resolve());
        worker.on('message', (message: { stopped?: boolean }) => {
          if (message.stopped) void worker.terminate();
        });
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
