/**
 * Child server processes and their own accounting: CPU time from `/proc/<pid>/task/<tid>/schedstat`
 * (each thread's time on a CPU, in nanoseconds; `/proc/<pid>/stat`'s utime + stime, in clock ticks
 * of 10 ms, where that is unavailable), peak resident memory from `/proc/<pid>/status` (VmHWM).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A server process the benchmark started. */
export interface ServerProcess {
  pid: number;
  baseUrl: string;
  /** CPU time (user + system) the process has used so far, in milliseconds. */
  cpuMs(): number;
  /** The process's peak resident set size so far, in bytes. */
  peakRssBytes(): number;
  /** Whatever the process wrote to stderr (for error reports). */
  stderr(): string;
  stop(): Promise<void>;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Whether CPU pinning is available: `taskset` and at least two cores. */
export function canPin(cores: number): boolean {
  return cores >= 2 && existsSync('/usr/bin/taskset');
}

/** Pins a running process (this one, say), every thread of it, to one core. */
export function pinProcess(pid: number, core: number): void {
  execFileSync('/usr/bin/taskset', ['-a', '-pc', String(core), String(pid)], { stdio: 'ignore' });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
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
 * CPU milliseconds (user + system) of a process's live threads, to the nanosecond; null where the
 * kernel keeps no schedstat. A server's threads (the main one, libuv's pool, V8's, a worker) live
 * as long as it does, so no thread's time goes missing between two readings.
 */
function threadsCpuMs(pid: number): number | null {
  let total = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  for (const task of tasks) {
    let schedstat: string;
    try {
      schedstat = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8');
    } catch {
      continue; // the thread ended since the listing
    }
    const runNs = Number(schedstat.split(' ')[0]);
    if (!Number.isFinite(runNs)) return null;
    total += runNs / 1e6;
  }
  return total;
}

/** CPU milliseconds (user + system) of a process, from its own accounting. */
export function processCpuMs(pid: number): number {
  const precise = threadsCpuMs(pid);
  if (precise !== null) return precise;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields are counted after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS;
}

/** Peak resident set size (VmHWM) of a process, in bytes. */
export function processPeakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * Starts `node [--import tsx] <script> ...args` (TypeScript through tsx, JavaScript as is), waits
 * until `GET <baseUrl><readyPath>` answers 200, then pins it to `core` when given: unpinned while it
 * starts, so that several servers can start at once on different cores.
 *
 * @example
 * const server = await startServer({ script: 'packages/server/src/cli/main.ts', args: ['serve', '--port', '8080'], port: 8080 });
 */
export async function startServer(options: {
  script: string;
  args: string[];
  port: number;
  readyPath?: string;
  core?: number | null;
  cwd: string;
  env?: Record<string, string>;
  nodeFlags?: string[];
}): Promise<ServerProcess> {
  const nodeArgs = [
    ...(options.nodeFlags ?? []),
    ...(options.script.endsWith('.ts') ? ['--import', 'tsx'] : []),
    options.script,
    ...options.args,
  ];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${options.script}`);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  // Generous: several servers may be starting at once on a busy machine.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${options.script} exited early:\n${stderr}`);
    try {
      const response = await fetch(`${baseUrl}${options.readyPath ?? '/healthz'}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} did not become ready:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (options.core !== null && options.core !== undefined) pinProcess(pid, options.core);
  return {
    pid,
    baseUrl,
    cpuMs: () => processCpuMs(pid),
    peakRssBytes: () => processPeakRss(pid),
    stderr: () => stderr,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
