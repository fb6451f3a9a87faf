/**
 * `npm run bench`: starts latchkey servers (SQLite; beside it, where given, PostgreSQL, Redis-counted
 * limits and two processes on one PostgreSQL database) and the naive reference server as separate
 * processes, drives them with prebuilt requests at saturation, and prints medians over rounds that
 * alternate the servers' order, the baselines measured in the same run, the ratios and every target
 * with PASS or MISS. The options are in bench-options.ts.
 */
import { cpus } from 'node:os';
import { benchOptions } from './bench-options.ts';
import { type Compared, compare } from './comparison.ts';
import { formatReport } from './format-report.ts';
import { placement } from './placement.ts';
import { pinProcess } from './processes.ts';
import type { BenchReport, HttpLayer, MultiInstance, PhaseRow } from './report.ts';
import { scaling } from './scaling.ts';
import type { Cleanup } from './server-launch.ts';
import type { LoadPlan } from './sign-in-servers.ts';
import { median } from './stats.ts';
import { type Measured, ratiosOf, targetsOf } from './targets.ts';
import { measureVerifyRate } from './verify-rate.ts';

const options = benchOptions(process.argv.slice(2), process.env);
const cores = placement(options.pin, cpus().length);
const plan: LoadPlan = {
  duration: options.duration,
  minPerStage: options.minPerStage,
  warmUp: options.warmUp,
  connections: options.connections,
};
const database = options.db ? 'PostgreSQL' : 'SQLite';
const MAIN = `latchkey ${database}`;
const started = performance.now();

function log(message: string): void {
  if (!options.json) process.stderr.write(`${message}\n`);
}

function find(phases: PhaseRow[], server: string, phase: string): PhaseRow {
  const row = phases.find((p) => p.server === server && p.phase === phase);
  if (!row) throw new Error(`no row for ${server}: ${phase}`);
  return row;
}

function httpLayerOf(phases: PhaseRow[]): HttpLayer {
  const latchkeyHealthzUs = find(phases, MAIN, 'GET /healthz').cpuUsPerFinish;
  const trivialUs = find(phases, 'bare Fastify', 'POST /trivial').cpuUsPerFinish;
  const refused = find(phases, MAIN, 'sign-in start refused by its schema');
  return {
    latchkeyHealthzUs,
    bareHealthzUs: find(phases, 'bare Fastify', 'GET /healthz').cpuUsPerFinish,
    trivialUs,
    overheadUs: latchkeyHealthzUs - trivialUs,
    refusedStartUs: refused.cpuUsPerFinish,
    refusedStartStatements: refused.stages[0]?.statementsPerRequest ?? null,
  };
}

function multiInstanceOf(compared: Compared): MultiInstance | null {
  const one = compared.postgres?.ceremoniesPerSecond;
  const two = compared.pair?.ceremoniesPerSecond;
  if (!one || !two) return null;
  const where =
    cores.secondServer === null
      ? 'not pinned'
      : `cores ${cores.server} and ${cores.secondServer}${cores.secondServer === cores.load ? ', the second shared with the load' : ''}`;
  return { onePerSecond: one, twoPerSecond: two, ratio: two / one, placement: where };
}

async function main(): Promise<BenchReport> {
  if (cores.load !== null) pinProcess(process.pid, cores.load);
  log('baseline: crypto.verify ES256');
  const verifyRates: number[] = [];
  for (let i = 0; i < Math.max(3, options.rounds); i++) {
    verifyRates.push(measureVerifyRate(options.quick ? 0.3 : 1));
  }
  const verifyPerSecond = median(verifyRates);

  const cleanup: Cleanup = [];
  let compared: Compared;
  try {
    compared = await compare({ options, cores, plan, mainLabel: MAIN, log }, cleanup);
  } finally {
    for (const undo of cleanup.reverse()) await undo().catch(() => undefined);
  }
  const scalingRows = await scaling({
    sizes: options.sizes,
    postgresUrl: options.db,
    core: cores.server,
    rounds: options.rounds,
    plan,
    log,
  });

  const { phases } = compared;
  const trivial = find(phases, 'bare Fastify', 'POST /trivial');
  const verifyUs = 1e6 / verifyPerSecond;
  const floorCpuUsPerSignIn = 4 * trivial.cpuUsPerFinish + verifyUs;
  const httpLayer = httpLayerOf(phases);
  const measured: Measured = {
    database,
    verifyPerSecond,
    floorCpuUsPerSignIn,
    signIn: find(phases, MAIN, 'sign-in with a transaction'),
    reference: find(phases, 'reference', 'sign-in with a transaction'),
    postgres: compared.postgres,
    redis: compared.redis,
    pair: compared.pair,
    trivialUs: trivial.cpuUsPerFinish,
    httpLayer,
    paced: { ratePerSecond: compared.pacedRate, p99Ms: compared.paced.latencyMs.p99 },
    scaling: scalingRows,
  };
  return {
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      placement: cores.description,
    },
    options: {
      ...options,
      db: options.db ? 'postgresql' : 'sqlite',
      postgres: Boolean(options.postgres),
      redis: Boolean(options.redis),
    },
    baselines: {
      verifyPerSecond,
      verifyUs,
      trivialCpuUsPerRequest: trivial.cpuUsPerFinish,
      trivialPerSecond: trivial.finishPerSecond,
      floorCpuUsPerSignIn,
    },
    phases,
    httpLayer,
    multiInstance: multiInstanceOf(compared),
    ratios: ratiosOf(measured),
    pacedSignIn: {
      ratePerSecond: compared.pacedRate,
      p50Ms: compared.paced.latencyMs.p50,
      p95Ms: compared.paced.latencyMs.p95,
      p99Ms: compared.paced.latencyMs.p99,
    },
    scaling: scalingRows,
    latchkeyPeakRssMb: compared.latchkeyPeakRssMb,
    targets: targetsOf(measured),
    rounds: options.rounds,
    seconds: (performance.now() - started) / 1000,
  };
}

const report = await main();
process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
