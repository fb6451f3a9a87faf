/**
 * The rounds: the main latchkey server (every phase), the reference server and the bare Fastify
 * routes, and the servers measured on sign-in alone (PostgreSQL, Redis-counted limits, two
 * processes), each warmed up, then run in turn, reduced to medians over rounds.
 */
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { BENCH_ORIGIN } from './bench-database.ts';
import type { BenchOptions } from './bench-options.ts';
import { type CeremonyRun, ceremonyFigures } from './ceremony-run.ts';
import {
  discoverablePhase,
  type LatchkeyTarget,
  type PoolUser,
  registrationPhase,
  signInPhase,
  stepUpPhase,
} from './latchkey-phases.ts';
import { cycle, stageSize } from './load-plan.ts';
import { ceremonyRow, redeemRun, requestRow } from './phase-row.ts';
import type { Placement } from './placement.ts';
import {
  type ReferenceTarget,
  referenceRegistration,
  referenceSignIn,
} from './reference/reference-phases.ts';
import type { PhaseRow } from './report.ts';
import { healthzStage, refusedStartStage, trivialStage } from './route-stages.ts';
import type { StageResult } from './run-stage.ts';
import { type Cleanup, launchServers } from './server-launch.ts';
import { type LoadPlan, type SignInServer, warmOtherServers } from './sign-in-servers.ts';
import { median } from './stats.ts';

/** What the servers measured in the rounds, before the scaling run. */
export interface Compared {
  phases: PhaseRow[];
  postgres: PhaseRow | null;
  redis: PhaseRow | null;
  pair: PhaseRow | null;
  paced: StageResult;
  pacedRate: number;
  latchkeyPeakRssMb: number;
}

/** Who the run is for: its options, where processes run, how much load, the main server's name. */
export interface ComparisonSettings {
  options: BenchOptions;
  cores: Placement;
  plan: LoadPlan;
  mainLabel: string;
  log: (message: string) => void;
}

/**
 * Starts every server, warms each up, runs the rounds (the servers' order reversed every other
 * round) and the paced sign-in, and reduces the runs to rows. Every process and database it makes
 * is put on `cleanup`.
 *
 * @example
 * const compared = await compare(settings, cleanup);
 */
export async function compare(settings: ComparisonSettings, cleanup: Cleanup): Promise<Compared> {
  const { options, cores, plan, mainLabel, log } = settings;
  const sized = (rate: number): number => stageSize(rate, plan);
  log('starting the servers');
  const launched = await launchServers(options, cores, cleanup);
  const latchkey = launched.main.server;
  const referenceServer = launched.reference.server;
  const reference: ReferenceTarget = {
    server: referenceServer,
    apiKey: launched.reference.apiKey,
    connections: options.connections,
  };
  const target: LatchkeyTarget = {
    server: latchkey,
    appId: launched.main.appId,
    apiKey: launched.main.apiKey,
    origin: BENCH_ORIGIN,
    connections: options.connections,
  };
  const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
  const referenceAuthenticator = new SoftwareAuthenticator({ counter: 'zero' });
  let registered = 0;
  const newIds = (count: number, prefix: string): string[] =>
    Array.from({ length: count }, () => `${prefix}-${registered++}`);

  log('warm-up');
  const warmUp = options.warmUp;
  const warmRegistration = await registrationPhase(target, authenticator, newIds(warmUp, 'u'));
  const pool: PoolUser[] = [...warmRegistration.users];
  const warmSignIn = await signInPhase(target, authenticator, cycle(pool, warmUp));
  await discoverablePhase(target, authenticator, cycle(pool, warmUp));
  await stepUpPhase(target, authenticator, cycle(pool, warmUp), 'warm');
  const warmHealthz = await healthzStage(latchkey, warmUp * 5, options.connections);
  const warmRefused = await refusedStartStage(target, warmUp * 5);
  const warmReference = await referenceRegistration(
    reference,
    referenceAuthenticator,
    newIds(warmUp, 'r'),
  );
  const referencePool = [...warmReference.users];
  const warmReferenceSignIn = await referenceSignIn(
    reference,
    referenceAuthenticator,
    cycle(referencePool, warmUp),
  );
  const warmTrivial = await trivialStage(referenceServer, warmUp * 5, options.connections);
  const warmBareHealthz = await healthzStage(referenceServer, warmUp * 5, options.connections);
  const others = await warmOtherServers({
    launched,
    main: options.db ? { target, authenticator, pool } : null,
    mainLabel,
    plan,
    log,
  });

  // Each ceremony's stages run as many requests as its slowest stage handles in `duration`.
  const registrationCount = sized(ceremonyFigures(warmRegistration.run).ceremoniesPerSecond * 2);
  const signInCount = sized(ceremonyFigures(warmSignIn).ceremoniesPerSecond * 2);
  const referenceCount = sized(ceremonyFigures(warmReferenceSignIn).ceremoniesPerSecond * 2);
  const healthzCount = sized(warmHealthz.requestsPerSecond);
  const refusedCount = sized(warmRefused.requestsPerSecond);
  const trivialCount = sized(warmTrivial.requestsPerSecond);
  const bareHealthzCount = sized(warmBareHealthz.requestsPerSecond);

  const runs = {
    registration: [] as CeremonyRun[],
    signIn: [] as CeremonyRun[],
    discoverable: [] as CeremonyRun[],
    stepUp: [] as CeremonyRun[],
    healthz: [] as StageResult[],
    refusedStart: [] as StageResult[],
    referenceRegistration: [] as CeremonyRun[],
    referenceSignIn: [] as CeremonyRun[],
    trivial: [] as StageResult[],
    bareHealthz: [] as StageResult[],
  };
  const latchkeyRound = async (round: number): Promise<void> => {
    const registration = await registrationPhase(
      target,
      authenticator,
      newIds(registrationCount, 'u'),
    );
    runs.registration.push(registration.run);
    pool.push(...registration.users);
    runs.signIn.push(await signInPhase(target, authenticator, cycle(pool, signInCount, round)));
    runs.discoverable.push(
      await discoverablePhase(target, authenticator, cycle(pool, signInCount, round + 3)),
    );
    runs.stepUp.push(
      await stepUpPhase(target, authenticator, cycle(pool, signInCount, round + 5), `r${round}`),
    );
    runs.healthz.push(await healthzStage(latchkey, healthzCount, options.connections));
    runs.refusedStart.push(await refusedStartStage(target, refusedCount));
  };
  const referenceRound = async (round: number): Promise<void> => {
    const registration = await referenceRegistration(
      reference,
      referenceAuthenticator,
      newIds(referenceCount, 'r'),
    );
    runs.referenceRegistration.push(registration.run);
    referencePool.push(...registration.users);
    runs.referenceSignIn.push(
      await referenceSignIn(
        reference,
        referenceAuthenticator,
        cycle(referencePool, referenceCount, round),
      ),
    );
    runs.trivial.push(await trivialStage(referenceServer, trivialCount, options.connections));
    runs.bareHealthz.push(
      await healthzStage(referenceServer, bareHealthzCount, options.connections),
    );
  };
  const signInServers = [others.postgres, others.redis, others.pair].filter(
    (s): s is SignInServer => s !== null,
  );
  const units = [latchkeyRound, referenceRound, ...signInServers.map((s) => s.round)];
  for (let round = 0; round < options.rounds; round++) {
    log(`round ${round + 1} of ${options.rounds}`);
    // Reverse the servers' order every other round, so that drift in the machine's load hits all.
    for (const unit of round % 2 === 0 ? units : [...units].reverse()) await unit(round);
  }

  log('sign-in finish paced at 70% of its maximum');
  const maxFinish = median(runs.signIn.map((r) => r.stages.finish!.requestsPerSecond));
  const paced = await signInPhase(target, authenticator, cycle(pool, signInCount), 0.7 * maxFinish);

  const signInRow = (server: SignInServer | null): PhaseRow | null =>
    server ? ceremonyRow('sign-in with a transaction', server.label, server.runs, true) : null;
  const postgres = signInRow(others.postgres);
  const redis = signInRow(others.redis);
  const pair = signInRow(others.pair);
  const phases: PhaseRow[] = [
    ceremonyRow('registration', mainLabel, runs.registration, true),
    ceremonyRow('sign-in with a transaction', mainLabel, runs.signIn, true),
    ceremonyRow('discoverable sign-in', mainLabel, runs.discoverable, true),
    ceremonyRow('nonce redemption', mainLabel, runs.signIn.map(redeemRun), false),
    ceremonyRow('step-up track→challenge→validate', mainLabel, runs.stepUp, true),
    requestRow('GET /healthz', mainLabel, runs.healthz),
    requestRow('sign-in start refused by its schema', mainLabel, runs.refusedStart),
    ...[postgres, redis, pair].filter((row): row is PhaseRow => row !== null),
    ceremonyRow('registration', 'reference', runs.referenceRegistration, true),
    ceremonyRow('sign-in with a transaction', 'reference', runs.referenceSignIn, true),
    requestRow('POST /trivial', 'bare Fastify', runs.trivial),
    requestRow('GET /healthz', 'bare Fastify', runs.bareHealthz),
  ];
  return {
    phases,
    postgres: options.db ? phases[1]! : postgres,
    redis,
    pair,
    paced: paced.stages.finish!,
    pacedRate: 0.7 * maxFinish,
    latchkeyPeakRssMb: latchkey.peakRssBytes() / 2 ** 20,
  };
}
