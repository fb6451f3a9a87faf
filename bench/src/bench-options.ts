/**
 * The benchmark's command line.
 *
 * Options: --duration <s> (per stage, default 3), --connections <n> (default 10), --rounds <n>
 * (default 3), --db <postgres url> (the whole run on PostgreSQL; default SQLite in a temp dir),
 * --postgres <url> (a second latchkey server on PostgreSQL, and two processes on one database;
 * default $LATCHKEY_BENCH_POSTGRES_URL), --redis <url> (a third server counting rate limits in
 * Redis; default $LATCHKEY_BENCH_REDIS_URL), --sizes <list> (preloaded credentials for the scaling
 * run, default 1000,100000; `none` to skip), --json, --quick (a run of a minute or two), --no-pin,
 * --cpu-prof <dir> (profile the latchkey server), --warm-up <n> (requests per stage before
 * measuring, default 400), --min-requests <n> (per stage, default 100).
 */
import { parseArgs } from 'node:util';

/** What one run does. */
export interface BenchOptions {
  /** Seconds each stage runs for. */
  duration: number;
  connections: number;
  rounds: number;
  /** The main server's PostgreSQL URL; undefined: SQLite. */
  db: string | undefined;
  /** The PostgreSQL server to compare with; undefined: not measured. */
  postgres: string | undefined;
  /** The Redis for rate-limit counters; undefined: not measured. */
  redis: string | undefined;
  sizes: number[];
  json: boolean;
  quick: boolean;
  /** Whether to pin servers and load to cores (asked for, and possible). */
  pin: boolean;
  cpuProf: string | undefined;
  warmUp: number;
  minPerStage: number;
}

/**
 * Reads the options from `args` and the environment.
 *
 * @example
 * const options = benchOptions(process.argv.slice(2), process.env);
 */
export function benchOptions(args: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values: flags } = parseArgs({
    args,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      db: { type: 'string' },
      postgres: { type: 'string' },
      redis: { type: 'string' },
      sizes: { type: 'string' },
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'warm-up': { type: 'string' },
      'min-requests': { type: 'string' },
    },
  });
  const quick = flags.quick ?? false;
  return {
    duration: Number(flags.duration ?? (quick ? 0.5 : 3)),
    connections: Number(flags.connections ?? 10),
    rounds: Number(flags.rounds ?? (quick ? 1 : 3)),
    db: flags.db,
    postgres: flags.postgres ?? (env.LATCHKEY_BENCH_POSTGRES_URL || undefined),
    redis: flags.redis ?? (env.LATCHKEY_BENCH_REDIS_URL || undefined),
    sizes: (flags.sizes ?? (quick ? 'none' : '1000,100000'))
      .split(',')
      .filter((s) => s !== 'none' && s !== '')
      .map(Number),
    json: flags.json ?? false,
    quick,
    pin: !(flags['no-pin'] ?? false),
    cpuProf: flags['cpu-prof'],
    warmUp: Number(flags['warm-up'] ?? (quick ? 100 : 400)),
    minPerStage: Number(flags['min-requests'] ?? 100),
  };
}
