/**
 * A latchkey server for the benchmark: the server as deployed (compiled, see
 * packages/server/scripts/bundle.ts), run as `latchkey serve` in its own process, counting its
 * database statements through `/metrics`.
 */
import { resolve } from 'node:path';
import { bundleServer } from '../../packages/server/scripts/bundle.ts';
import { readStatements } from './database-statements.ts';
import { freePort, type ServerProcess, startServer } from './processes.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A latchkey server process, with its statement count. */
export interface LatchkeyProcess extends ServerProcess {
  statements(): Promise<number | null>;
}

/**
 * Built once per run, into a folder of its own, so that a package build running at the same time
 * does not replace it under the benchmark.
 */
let bundled: Promise<string> | undefined;

/**
 * Starts `latchkey serve` on `url` (log level warn), on `core` when given; with `redis`, rate
 * limits are counted there; with `cpuProfDir`, the process writes its CPU profile into
 * `<cpuProfDir>/<name>`.
 *
 * @example
 * const server = await startLatchkey({ url: 'sqlite:/tmp/x.db', name: 'main', core: 0 });
 */
export async function startLatchkey(options: {
  url: string;
  name: string;
  core: number | null;
  redis?: string;
  cpuProfDir?: string;
  /** More flags for node (a preloaded hook), and environment for the process. */
  nodeFlags?: string[];
  env?: Record<string, string>;
}): Promise<LatchkeyProcess> {
  bundled ??= bundleServer(resolve(ROOT, 'packages/server/dist-bench'));
  const script = await bundled;
  const port = await freePort();
  const server = await startServer({
    script,
    args: [
      'serve',
      '--port',
      String(port),
      '--db',
      options.url,
      '--log-level',
      'warn',
      ...(options.redis ? ['--redis', options.redis] : []),
    ],
    port,
    cwd: ROOT,
    core: options.core,
    nodeFlags: [
      ...(options.cpuProfDir
        ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.cpuProfDir, options.name)]
        : []),
      ...(options.nodeFlags ?? []),
    ],
    ...(options.env ? { env: options.env } : {}),
  });
  return { ...server, statements: () => readStatements(server.baseUrl) };
}
