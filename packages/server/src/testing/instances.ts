/**
 * Real server processes for tests that need more than one instance, or a crash: each instance is
 * `latchkey serve` in its own Node process, on its own port, against a database the test names.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';

const BIN = new URL('../../bin/latchkey.js', import.meta.url).pathname;

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** One running `latchkey serve`. */
export interface Instance {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote to stderr and stdout so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string | null>;
  /** Sends a signal; for SIGKILL, the process dies without any cleanup. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `latchkey serve --db <databaseUrl>` on a free port and waits until `/healthz` answers.
 *
 * @example
 * const a = await startInstance({ databaseUrl: pgUrl });
 * await fetch(`${a.url}/readyz`);
 * await a.stop();
 */
export async function startInstance(options: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  args?: string[];
}): Promise<Instance> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--db',
      options.databaseUrl,
      '--log-level',
      'warn',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const url = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    url,
    port,
    process: child,
    output: () => output,
    exited,
    kill: (signal) => {
      child.kill(signal);
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/healthz`)).ok) return instance;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`latchkey did not become healthy on ${url}:\n${output}`);
}

/** A fresh PostgreSQL database for one test file, dropped afterwards. */
export interface TestPostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database next to the one `baseUrl` names (processes cannot share a test
 * schema through a URL, so each multi-instance test gets a database of its own).
 */
export async function createPostgresDatabase(baseUrl: string): Promise<TestPostgresDatabase> {
  const name = `latchkey_it_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A TCP proxy in front of a database, so a test can make the database "go away" (refuse and cut
 * every connection) and come back, without touching the real server other tests share.
 */
export interface TcpProxy {
  port: number;
  /** Cuts every open connection and refuses new ones until {@link TcpProxy.resume}. */
  cut(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');
  const destroyAll = (): void => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port: address.port,
    cut() {
      down = true;
      destroyAll();
    },
    resume() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}
