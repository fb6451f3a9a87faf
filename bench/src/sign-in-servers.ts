/**
 * The latchkey servers measured on sign-in alone, beside the main one: on PostgreSQL, with rate
 * limits counted in Redis, and two processes sharing one PostgreSQL database. Each registers its
 * users and is warmed up with sign-ins, one after the other (their warm-up rates size their
 * stages), and then runs its sign-ins in the same rounds as the main server.
 */
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { BENCH_ORIGIN } from './bench-database.ts';
import { type CeremonyRun, ceremonyFigures } from './ceremony-run.ts';
import {
  type LatchkeyTarget,
  type PoolUser,
  registrationPhase,
  signInPhase,
} from './latchkey-phases.ts';
import type { LatchkeyProcess } from './latchkey-server.ts';
import { cycle, stageSize } from './load-plan.ts';
import type { StageTarget } from './run-stage.ts';
import type { Launched, LaunchedServer } from './server-launch.ts';

/** A server whose sign-ins the rounds measure. */
export interface SignInServer {
  label: string;
  /** Its rounds' sign-ins. */
  runs: CeremonyRun[];
  /** Runs one round's sign-ins. */
  round(round: number): Promise<void>;
}

/**
 * Sign-in warm-ups a server measured on sign-ins alone gets. The main server warms up on four
 * phases (registration, both sign-ins, step-up) before it is measured, and V8 optimises a function
 * after enough calls: with one pass, the PostgreSQL and Redis-counted servers were measured on
 * colder code than the SQLite server they are compared with (a Redis-counted transaction stage,
 * which counts nothing in Redis, read 35–145 µs above the SQLite server's; with 2,000 warm-up
 * sign-ins, 7 µs).
 */
const WARM_UP_PASSES = 4;

/** How much load each stage gets. */
export interface LoadPlan {
  duration: number;
  minPerStage: number;
  warmUp: number;
  connections: number;
}

/** A server with its users. */
export interface Prepared {
  target: LatchkeyTarget;
  authenticator: SoftwareAuthenticator;
  pool: PoolUser[];
}

/**
 * Several latchkey processes as one stage target: autocannon spreads its connections over them, so
 * consecutive requests of a ceremony land on different processes (no stickiness), and their CPU
 * and statements are summed.
 *
 * @example
 * const both = sharedTarget([first, second]);
 */
export function sharedTarget(servers: LatchkeyProcess[]): StageTarget {
  return {
    baseUrl: servers.map((s) => s.baseUrl),
    cpuMs: () => servers.reduce((sum, s) => sum + s.cpuMs(), 0),
    async statements() {
      const counts = await Promise.all(servers.map((s) => s.statements()));
      return counts.some((c) => c === null)
        ? null
        : counts.reduce<number>((sum, c) => sum + (c ?? 0), 0);
    },
  };
}

/**
 * The target of a launched server, with `warmUp` users registered (`name-0`, `name-1`, …).
 *
 * @example
 * const prepared = await withUsers(launched.postgres, 'postgres', plan);
 */
export async function withUsers(
  launched: LaunchedServer,
  name: string,
  plan: LoadPlan,
): Promise<Prepared> {
  const target: LatchkeyTarget = {
    server: launched.server,
    appId: launched.appId,
    apiKey: launched.apiKey,
    origin: BENCH_ORIGIN,
    connections: plan.connections,
  };
  const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
  const ids = Array.from({ length: plan.warmUp }, (_, i) => `${name}-${i}`);
  const { users } = await registrationPhase(target, authenticator, ids);
  return { target, authenticator, pool: users };
}

/**
 * Warms `prepared` up with sign-ins and sizes its stages from their rate.
 *
 * @example
 * const server = await signInServer('latchkey PostgreSQL', prepared, plan);
 */
export async function signInServer(
  label: string,
  prepared: Prepared,
  plan: LoadPlan,
): Promise<SignInServer> {
  const { target, authenticator, pool } = prepared;
  let warm = await signInPhase(target, authenticator, cycle(pool, plan.warmUp));
  for (let pass = 1; pass < WARM_UP_PASSES; pass++) {
    warm = await signInPhase(target, authenticator, cycle(pool, plan.warmUp, pass));
  }
  const count = stageSize(ceremonyFigures(warm).ceremoniesPerSecond * 2, plan);
  const runs: CeremonyRun[] = [];
  return {
    label,
    runs,
    async round(round) {
      runs.push(await signInPhase(target, authenticator, cycle(pool, count, round)));
    },
  };
}

/** The servers beside the main one; null where not measured. */
export interface OtherServers {
  postgres: SignInServer | null;
  redis: SignInServer | null;
  pair: SignInServer | null;
}

/**
 * Registers users on the servers beside the main one and warms them up. The pair is the
 * PostgreSQL server (the main one when the whole run is on PostgreSQL: `main` is then given) and
 * the second process on its database, signing in the same users.
 *
 * @example
 * const others = await warmOtherServers({ launched, main: null, mainLabel, plan, log });
 */
export async function warmOtherServers(options: {
  launched: Launched;
  /** The main server's users, when it is the one on PostgreSQL. */
  main: Prepared | null;
  mainLabel: string;
  plan: LoadPlan;
  log: (message: string) => void;
}): Promise<OtherServers> {
  const { launched, plan, log } = options;
  let postgres: SignInServer | null = null;
  let onPostgres = options.main;
  if (launched.postgres) {
    log('PostgreSQL server: warm-up');
    onPostgres = await withUsers(launched.postgres, 'postgres', plan);
    postgres = await signInServer('latchkey PostgreSQL', onPostgres, plan);
  }
  let redis: SignInServer | null = null;
  if (launched.redis) {
    log('Redis-counted server: warm-up');
    const counted = await withUsers(launched.redis, 'redis', plan);
    redis = await signInServer(`${options.mainLabel}, Redis limits`, counted, plan);
  }
  let pair: SignInServer | null = null;
  if (launched.second && onPostgres) {
    log('two processes on one PostgreSQL database: warm-up');
    const first = (launched.postgres ?? launched.main).server;
    const target = { ...onPostgres.target, server: sharedTarget([first, launched.second]) };
    pair = await signInServer('latchkey PostgreSQL ×2 processes', { ...onPostgres, target }, plan);
  }
  return { postgres, redis, pair };
}
