/**
 * `npm run bench`: starts a latchkey server (and the naive reference server) as separate
 * processes, drives them with prebuilt requests at saturation, and prints medians over alternating
 * rounds, the baselines measured in the same run, the ratios and every target with PASS or MISS.
 *
 * Options: --duration <s> (per stage, default 3), --connections <n> (default 10), --rounds <n>
 * (default 3), --db <postgres url> (default SQLite in a temp dir), --sizes <list> (preloaded
 * credentials for the scaling run, default 1000,100000; `none` to skip), --json, --quick (a run
 * under two minutes), --no-pin, --cpu-prof <dir> (profile the latchkey server), --warm-up <n>
 * (requests per stage before measuring, default 400), --min-requests <n> (per stage, default 100).
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { bundleServer } from '../../packages/server/scripts/bundle.ts';
import { BENCH_ORIGIN, createBenchDatabase } from './bench-database.ts';
import { type CeremonyRun, ceremonyFigures } from './ceremony-run.ts';
import {
  discoverablePhase,
  type LatchkeyTarget,
  type PoolUser,
  registrationPhase,
  signInPhase,
  stepUpPhase,
} from './latchkey-phases.ts';
import { preloadUsers } from './preload.ts';
import { canPin, freePort, pinProcess, type ServerProcess, startServer } from './processes.ts';
import { referenceRegistration, referenceSignIn } from './reference/reference-phases.ts';
import type { BenchReport, PhaseRow, ScalingRow, TargetRow } from './report.ts';
import { formatReport } from './report.ts';
import { runStage, type StageResult } from './run-stage.ts';
import { median, spread } from './stats.ts';
import { measureVerifyRate } from './verify-rate.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    connections: { type: 'string' },
    rounds: { type: 'string' },
    db: { type: 'string' },
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
const options = {
  duration: Number(flags.duration ?? (quick ? 0.5 : 3)),
  connections: Number(flags.connections ?? 10),
  rounds: Number(flags.rounds ?? (quick ? 1 : 3)),
  db: flags.db,
  sizes: (flags.sizes ?? (quick ? 'none' : '1000,100000'))
    .split(',')
    .filter((s) => s !== 'none' && s !== '')
    .map(Number),
  json: flags.json ?? false,
  quick,
  pin: !(flags['no-pin'] ?? false) && canPin(cpus().length),
  cpuProf: flags['cpu-prof'],
};
const WARM_UP = Number(flags['warm-up'] ?? (quick ? 100 : 400));
const MIN_PER_STAGE = Number(flags['min-requests'] ?? 100);
const MAX_PER_STAGE = 40_000;
const started = performance.now();

function log(message: string): void {
  if (!options.json) process.stderr.write(`${message}\n`);
}

/** How many requests keep a stage of this rate busy for the chosen duration. */
function sized(rate: number): number {
  return Math.max(MIN_PER_STAGE, Math.min(MAX_PER_STAGE, Math.round(rate * options.duration)));
}

function cycle<T>(items: T[], count: number, offset = 0): T[] {
  return Array.from({ length: count }, (_, i) => items[(i + offset) % items.length]!);
}

/**
 * The server as deployed: compiled (see packages/server/scripts/bundle.ts), into a folder of its
 * own so that a package build running at the same time does not replace it under the benchmark.
 */
let bundled: Promise<string> | undefined;

async function startLatchkey(url: string, name: string): Promise<ServerProcess> {
  bundled ??= bundleServer(resolve(ROOT, 'packages/server/dist-bench'));
  const script = await bundled;
  const port = await freePort();
  return startServer({
    script,
    args: ['serve', '--port', String(port), '--db', url, '--log-level', 'warn'],
    port,
    cwd: ROOT,
    core: options.pin ? 0 : null,
    ...(options.cpuProf
      ? {
          nodeFlags: [
            '--cpu-prof',
            '--cpu-prof-dir',
            // One file per thread (tsx's loader runs in its own): names must stay distinct.
            resolve(options.cpuProf, name),
          ],
        }
      : {}),
  });
}

function row(
  phase: string,
  server: PhaseRow['server'],
  runs: CeremonyRun[],
  ceremony: boolean,
): PhaseRow {
  const figures = runs.map(ceremonyFigures);
  const finishes = runs.map((r) => r.stages[r.finishStage]!);
  return {
    phase,
    server,
    ceremoniesPerSecond: ceremony ? median(figures.map((f) => f.ceremoniesPerSecond)) : null,
    finishPerSecond: median(figures.map((f) => f.finishPerSecond)),
    p50Ms: median(figures.map((f) => f.finishLatencyMs.p50)),
    p95Ms: median(figures.map((f) => f.finishLatencyMs.p95)),
    p99Ms: median(figures.map((f) => f.finishLatencyMs.p99)),
    cpuUsPerCeremony: ceremony ? median(figures.map((f) => f.cpuUsPerCeremony)) : null,
    cpuUsPerFinish: median(finishes.map((s) => s.cpuUsPerRequest)),
    failed: figures.reduce((sum, f) => sum + f.failed, 0),
    spread: spread(figures.map((f) => (ceremony ? f.ceremoniesPerSecond : f.finishPerSecond))),
    stages: Object.keys(runs[0]?.stages ?? {}).map((stage) => ({
      stage,
      requestsPerSecond: median(runs.map((r) => r.stages[stage]!.requestsPerSecond)),
      cpuUsPerRequest: median(runs.map((r) => r.stages[stage]!.cpuUsPerRequest)),
    })),
  };
}

/** The redemption stage of the sign-ins, as its own phase. */
function redeemRun(run: CeremonyRun): CeremonyRun {
  return {
    completed: run.stages.redeem!.ok,
    stages: { redeem: run.stages.redeem! },
    finishStage: 'redeem',
  };
}

async function trivialStage(server: ServerProcess, count: number): Promise<StageResult> {
  return runStage({
    server,
    method: 'POST',
    path: '/trivial',
    requests: Array.from({ length: count }, (_, i) => ({ body: JSON.stringify({ i }) })),
    connections: options.connections,
  });
}

async function scaling(postgresUrl: string | undefined): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const size of options.sizes) {
    log(`scaling: preloading ${size.toLocaleString('en-US')} users with a passkey each`);
    const database = await createBenchDatabase(postgresUrl);
    try {
      const before = await database.sizeBytes();
      const loadStarted = performance.now();
      const sampled = await preloadUsers(
        database.store,
        database.appId,
        size,
        Math.min(size, 2000),
      );
      const preloadSeconds = (performance.now() - loadStarted) / 1000;
      const bytesPerCredential = ((await database.sizeBytes()) - before) / size;
      await database.release();
      const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
      const pool: PoolUser[] = sampled.map((u) => {
        authenticator.importCredential(u.credential);
        return { externalId: u.externalId, credentialId: u.credential.id };
      });
      const server = await startLatchkey(database.url, `scaling-${size}`);
      try {
        const target: LatchkeyTarget = {
          server,
          appId: database.appId,
          apiKey: database.apiKey,
          origin: BENCH_ORIGIN,
          connections: options.connections,
        };
        const warm = await signInPhase(target, authenticator, cycle(pool, WARM_UP));
        const count = sized(ceremonyFigures(warm).ceremoniesPerSecond * 2);
        const runs: CeremonyRun[] = [];
        for (let round = 0; round < options.rounds; round++) {
          runs.push(await signInPhase(target, authenticator, cycle(pool, count, round * 7)));
        }
        const figures = runs.map(ceremonyFigures);
        rows.push({
          credentials: size,
          preloadSeconds,
          bytesPerCredential,
          ceremoniesPerSecond: median(figures.map((f) => f.ceremoniesPerSecond)),
          finishPerSecond: median(figures.map((f) => f.finishPerSecond)),
          p50Ms: median(figures.map((f) => f.finishLatencyMs.p50)),
          p99Ms: median(figures.map((f) => f.finishLatencyMs.p99)),
          cpuUsPerCeremony: median(figures.map((f) => f.cpuUsPerCeremony)),
          peakRssMb: server.peakRssBytes() / 2 ** 20,
        });
      } finally {
        await server.stop();
      }
    } finally {
      await database.drop();
    }
  }
  return rows;
}

async function main(): Promise<BenchReport> {
  if (options.pin) pinProcess(process.pid, 1);
  log('baseline: crypto.verify ES256');
  const verifyRates: number[] = [];
  for (let i = 0; i < Math.max(3, options.rounds); i++)
    verifyRates.push(measureVerifyRate(quick ? 0.3 : 1));
  const verifyPerSecond = median(verifyRates);

  const database = await createBenchDatabase(options.db);
  await database.release();
  const latchkey = await startLatchkey(database.url, 'main');
  const referencePort = await freePort();
  const reference = await startServer({
    script: 'bench/src/reference/reference-server.ts',
    args: ['--port', String(referencePort)],
    port: referencePort,
    cwd: ROOT,
    core: options.pin ? 0 : null,
  });
  try {
    const target: LatchkeyTarget = {
      server: latchkey,
      appId: database.appId,
      apiKey: database.apiKey,
      origin: BENCH_ORIGIN,
      connections: options.connections,
    };
    const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
    const referenceAuthenticator = new SoftwareAuthenticator({ counter: 'zero' });
    let registered = 0;
    const newIds = (count: number, prefix: string): string[] =>
      Array.from({ length: count }, () => `${prefix}-${registered++}`);

    log('warm-up');
    const warmRegistration = await registrationPhase(target, authenticator, newIds(WARM_UP, 'u'));
    const pool: PoolUser[] = [...warmRegistration.users];
    const warmSignIn = await signInPhase(target, authenticator, cycle(pool, WARM_UP));
    await discoverablePhase(target, authenticator, cycle(pool, WARM_UP));
    await stepUpPhase(target, authenticator, cycle(pool, WARM_UP), 'warm');
    const warmReference = await referenceRegistration(
      reference,
      referenceAuthenticator,
      newIds(WARM_UP, 'r'),
      options.connections,
    );
    const referencePool = [...warmReference.users];
    const warmReferenceSignIn = await referenceSignIn(
      reference,
      referenceAuthenticator,
      cycle(referencePool, WARM_UP),
      options.connections,
    );
    const warmTrivial = await trivialStage(reference, WARM_UP * 5);

    // Each ceremony's stages run as many requests as its slowest stage handles in `duration`.
    const registrationCount = sized(ceremonyFigures(warmRegistration.run).ceremoniesPerSecond * 2);
    const signInCount = sized(ceremonyFigures(warmSignIn).ceremoniesPerSecond * 2);
    const referenceCount = sized(ceremonyFigures(warmReferenceSignIn).ceremoniesPerSecond * 1.5);
    const trivialCount = sized(warmTrivial.requestsPerSecond);

    const runs = {
      registration: [] as CeremonyRun[],
      signIn: [] as CeremonyRun[],
      discoverable: [] as CeremonyRun[],
      stepUp: [] as CeremonyRun[],
      referenceRegistration: [] as CeremonyRun[],
      referenceSignIn: [] as CeremonyRun[],
      trivial: [] as StageResult[],
    };
    for (let round = 0; round < options.rounds; round++) {
      log(`round ${round + 1} of ${options.rounds}`);
      const latchkeyRound = async (): Promise<void> => {
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
          await stepUpPhase(
            target,
            authenticator,
            cycle(pool, signInCount, round + 5),
            `r${round}`,
          ),
        );
      };
      const referenceRound = async (): Promise<void> => {
        const registration = await referenceRegistration(
          reference,
          referenceAuthenticator,
          newIds(referenceCount, 'r'),
          options.connections,
        );
        runs.referenceRegistration.push(registration.run);
        referencePool.push(...registration.users);
        runs.referenceSignIn.push(
          await referenceSignIn(
            reference,
            referenceAuthenticator,
            cycle(referencePool, referenceCount, round),
            options.connections,
          ),
        );
        runs.trivial.push(await trivialStage(reference, trivialCount));
      };
      // Alternate which server goes first, so that drift in the machine's load hits both alike.
      if (round % 2 === 0) {
        await latchkeyRound();
        await referenceRound();
      } else {
        await referenceRound();
        await latchkeyRound();
      }
    }

    log('sign-in finish paced at 70% of its maximum');
    const maxFinish = median(runs.signIn.map((r) => r.stages.finish!.requestsPerSecond));
    const paced = await signInPhase(
      target,
      authenticator,
      cycle(pool, signInCount),
      0.7 * maxFinish,
    );
    const pacedFinish = paced.stages.finish!;

    const trivialCpuUsPerRequest = median(runs.trivial.map((s) => s.cpuUsPerRequest));
    const verifyUs = 1e6 / verifyPerSecond;
    const floorCpuUsPerSignIn = 4 * trivialCpuUsPerRequest + verifyUs;
    const phases: PhaseRow[] = [
      row('registration', 'latchkey', runs.registration, true),
      row('sign-in with a transaction', 'latchkey', runs.signIn, true),
      row('discoverable sign-in', 'latchkey', runs.discoverable, true),
      row('nonce redemption', 'latchkey', runs.signIn.map(redeemRun), false),
      row('step-up track→challenge→validate', 'latchkey', runs.stepUp, true),
      row('registration', 'reference', runs.referenceRegistration, true),
      row('sign-in', 'reference', runs.referenceSignIn, true),
      {
        phase: 'POST /trivial',
        server: 'trivial',
        ceremoniesPerSecond: null,
        finishPerSecond: median(runs.trivial.map((s) => s.requestsPerSecond)),
        p50Ms: median(runs.trivial.map((s) => s.latencyMs.p50)),
        p95Ms: median(runs.trivial.map((s) => s.latencyMs.p95)),
        p99Ms: median(runs.trivial.map((s) => s.latencyMs.p99)),
        cpuUsPerCeremony: null,
        cpuUsPerFinish: trivialCpuUsPerRequest,
        failed: runs.trivial.reduce((sum, s) => sum + s.failed, 0),
        spread: spread(runs.trivial.map((s) => s.requestsPerSecond)),
        stages: [],
      },
    ];
    const signIn = phases[1]!;
    const referenceSignInRow = phases[6]!;
    const latchkeyPeakRssMb = latchkey.peakRssBytes() / 2 ** 20;
    await latchkey.stop();
    await reference.stop();
    await database.drop();

    const scalingRows = await scaling(options.db);

    const ratios = {
      'sign-in finish req/s ÷ raw verify rate': signIn.finishPerSecond / verifyPerSecond,
      'whole sign-in ceremonies/s ÷ raw verify rate': signIn.ceremoniesPerSecond! / verifyPerSecond,
      'sign-in CPU per ceremony ÷ floor': signIn.cpuUsPerCeremony! / floorCpuUsPerSignIn,
      'reference CPU per ceremony ÷ floor':
        referenceSignInRow.cpuUsPerCeremony! / floorCpuUsPerSignIn,
      'sign-in CPU per ceremony ÷ reference':
        signIn.cpuUsPerCeremony! / referenceSignInRow.cpuUsPerCeremony!,
      'sign-in ceremonies/s × of reference':
        signIn.ceremoniesPerSecond! / referenceSignInRow.ceremoniesPerSecond!,
      'sign-in finish req/s × of reference':
        signIn.finishPerSecond / referenceSignInRow.finishPerSecond,
    };
    const small = scalingRows.find((s) => s.credentials === 1000);
    const largest = scalingRows.at(-1);
    const million = scalingRows.find((s) => s.credentials >= 1_000_000);
    const targets: TargetRow[] = [
      {
        target: 'sign-in ceremony CPU ≤ 1.25 × floor',
        measured: `${ratios['sign-in CPU per ceremony ÷ floor'].toFixed(2)} × (${signIn.cpuUsPerCeremony!.toFixed(0)} µs vs ${floorCpuUsPerSignIn.toFixed(0)} µs)`,
        pass: ratios['sign-in CPU per ceremony ÷ floor'] <= 1.25,
      },
      {
        target: 'sign-in ceremony CPU ≤ 0.5 × reference',
        measured: `${ratios['sign-in CPU per ceremony ÷ reference'].toFixed(2)} × (${referenceSignInRow.cpuUsPerCeremony!.toFixed(0)} µs reference)`,
        pass: ratios['sign-in CPU per ceremony ÷ reference'] <= 0.5,
      },
      {
        target: 'sign-in finish req/s ≥ 0.4 × raw verify rate',
        measured: `${ratios['sign-in finish req/s ÷ raw verify rate'].toFixed(2)} × (${signIn.finishPerSecond.toFixed(0)}/s vs ${verifyPerSecond.toFixed(0)}/s)`,
        pass: ratios['sign-in finish req/s ÷ raw verify rate'] >= 0.4,
      },
      {
        target: 'p99 < 20 ms at 70% of the maximum rate',
        measured: `${pacedFinish.latencyMs.p99.toFixed(2)} ms at ${(0.7 * maxFinish).toFixed(0)}/s`,
        pass: pacedFinish.latencyMs.p99 < 20,
      },
      {
        target: 'latency at the largest size ≤ 1.3 × at 10^3 (p50 finish)',
        measured:
          small && largest && largest !== small
            ? `${(largest.p50Ms / small.p50Ms).toFixed(2)} × at ${largest.credentials.toLocaleString('en-US')}`
            : 'needs --sizes with 1000 and a larger size',
        pass: small && largest && largest !== small ? largest.p50Ms / small.p50Ms <= 1.3 : null,
      },
      {
        target: 'server RSS < 200 MB at 10^6 credentials',
        measured: million ? `${million.peakRssMb.toFixed(1)} MB` : 'needs --sizes 1000000',
        pass: million ? million.peakRssMb < 200 : null,
      },
    ];
    return {
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model.trim() ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        pinned: options.pin,
      },
      options: { ...options, db: options.db ? 'postgresql' : 'sqlite' },
      baselines: {
        verifyPerSecond,
        verifyUs,
        trivialCpuUsPerRequest,
        trivialPerSecond: phases[7]!.finishPerSecond,
        floorCpuUsPerSignIn,
      },
      phases,
      ratios,
      pacedSignIn: {
        ratePerSecond: 0.7 * maxFinish,
        p50Ms: pacedFinish.latencyMs.p50,
        p95Ms: pacedFinish.latencyMs.p95,
        p99Ms: pacedFinish.latencyMs.p99,
      },
      scaling: scalingRows,
      latchkeyPeakRssMb,
      targets,
      rounds: options.rounds,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await latchkey.stop();
    await reference.stop();
    await database.drop().catch(() => undefined);
  }
}

const report = await main();
process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
