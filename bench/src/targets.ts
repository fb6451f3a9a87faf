/**
 * The targets and the ratios: every figure a target judges is a ratio (or a difference) of two
 * figures measured in the same run, so that a busy machine slows both sides alike.
 */
import type { HttpLayer, PhaseRow, ScalingRow, TargetRow } from './report.ts';

/** What the run measured, as the targets need it. */
export interface Measured {
  /** The main server's database: "SQLite", or "PostgreSQL" with `--db`. */
  database: string;
  verifyPerSecond: number;
  floorCpuUsPerSignIn: number;
  /** Sign-in with a transaction on the main server, on the reference, on the others. */
  signIn: PhaseRow;
  reference: PhaseRow;
  /** On PostgreSQL: the second server, or the main one when the whole run is on PostgreSQL. */
  postgres: PhaseRow | null;
  redis: PhaseRow | null;
  pair: PhaseRow | null;
  trivialUs: number;
  httpLayer: HttpLayer;
  paced: { ratePerSecond: number; p99Ms: number };
  scaling: ScalingRow[];
}

/** The stages a request-level target judges (the finish carries the signature check). */
const CHEAP_STAGES = ['transaction', 'start', 'redeem'] as const;

const NO_POSTGRES = 'not measured (--postgres URL)';

function us(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} µs`;
}

function times(ratio: number): string {
  return `${ratio.toFixed(2)} ×`;
}

function stageOf(row: PhaseRow, stage: string): PhaseRow['stages'][number] | undefined {
  return row.stages.find((s) => s.stage === stage);
}

/** `a ÷ b` where both were measured. */
function cpuRatio(a: PhaseRow | null, b: PhaseRow | null): number | null {
  if (!a?.cpuUsPerCeremony || !b?.cpuUsPerCeremony) return null;
  return a.cpuUsPerCeremony / b.cpuUsPerCeremony;
}

/**
 * The ratios the report lists (the targets' and others worth watching).
 *
 * @example
 * const ratios = ratiosOf(measured);
 */
export function ratiosOf(m: Measured): Record<string, number> {
  const { signIn, reference } = m;
  const ratios: Record<string, number> = {
    'sign-in CPU per ceremony ÷ reference': cpuRatio(signIn, reference) ?? Number.NaN,
  };
  for (const stage of [...CHEAP_STAGES, 'finish']) {
    const ours = stageOf(signIn, stage)?.cpuUsPerRequest ?? Number.NaN;
    ratios[`sign-in ${stage} CPU ÷ reference ${stage}`] =
      ours / (stageOf(reference, stage)?.cpuUsPerRequest ?? Number.NaN);
    ratios[`sign-in ${stage} CPU ÷ trivial route`] = ours / m.trivialUs;
  }
  const optional: [string, number | null][] = [
    [
      'PostgreSQL CPU per ceremony ÷ SQLite',
      m.database === 'SQLite' ? cpuRatio(m.postgres, signIn) : null,
    ],
    ['Redis-counted CPU per ceremony ÷ database-counted', cpuRatio(m.redis, signIn)],
    [
      'two processes ceremonies/s ÷ one (PostgreSQL)',
      m.pair && m.postgres ? m.pair.ceremoniesPerSecond! / m.postgres.ceremoniesPerSecond! : null,
    ],
  ];
  for (const [name, value] of optional) if (value !== null) ratios[name] = value;
  return {
    ...ratios,
    'sign-in CPU per ceremony ÷ floor': signIn.cpuUsPerCeremony! / m.floorCpuUsPerSignIn,
    'reference CPU per ceremony ÷ floor': reference.cpuUsPerCeremony! / m.floorCpuUsPerSignIn,
    'sign-in finish req/s ÷ raw verify rate': signIn.finishPerSecond / m.verifyPerSecond,
    'whole sign-in ceremonies/s ÷ raw verify rate': signIn.ceremoniesPerSecond! / m.verifyPerSecond,
    'sign-in ceremonies/s × of reference':
      signIn.ceremoniesPerSecond! / reference.ceremoniesPerSecond!,
    'sign-in finish req/s × of reference': signIn.finishPerSecond / reference.finishPerSecond,
  };
}

function ceremonyTarget(
  target: string,
  ours: PhaseRow | null,
  theirs: PhaseRow,
  limit: number,
  missing: string,
): TargetRow {
  const ratio = cpuRatio(ours, theirs);
  if (ratio === null) return { target, measured: missing, pass: null };
  return {
    target,
    measured: `${times(ratio)} (${us(ours!.cpuUsPerCeremony!)} vs ${us(theirs.cpuUsPerCeremony!)})`,
    pass: ratio <= limit,
  };
}

function roundTripTargets(m: Measured): TargetRow[] {
  return CHEAP_STAGES.map((stage) => {
    const target = `PostgreSQL ${stage}: ≤ 1 database round trip per request`;
    if (!m.postgres) return { target, measured: NO_POSTGRES, pass: null };
    const figure = stageOf(m.postgres, stage)?.statementsPerRequest ?? null;
    if (figure === null) {
      return { target, measured: 'n/a (no statement counter at /metrics)', pass: null };
    }
    // Judged as printed: the count also takes in the server's own background statements over
    // the stage (the webhook worker's poll of its outbox, the sweeper), a few in thousands.
    const shown = figure.toFixed(2);
    return { target, measured: `${shown} per request`, pass: Number(shown) <= 1 };
  });
}

function scalingTargets(scaling: ScalingRow[]): TargetRow[] {
  const small = scaling.find((s) => s.credentials === 1000);
  const largest = scaling.at(-1);
  const million = scaling.find((s) => s.credentials >= 1_000_000);
  const compared = small && largest && largest !== small ? largest.p50Ms / small.p50Ms : null;
  return [
    {
      target: 'latency at the largest size ≤ 1.3 × at 10^3 (p50 finish)',
      measured:
        compared === null
          ? 'not measured (--sizes 1000 and a larger size)'
          : `${times(compared)} at ${largest!.credentials.toLocaleString('en-US')}`,
      pass: compared === null ? null : compared <= 1.3,
    },
    {
      target: 'server RSS < 200 MB at 10^6 credentials',
      measured: million ? `${million.peakRssMb.toFixed(1)} MB` : 'not measured (--sizes 1000000)',
      pass: million ? million.peakRssMb < 200 : null,
    },
  ];
}

/**
 * Every target, PASS (true), MISS (false) or not measured (null).
 *
 * @example
 * const rows = targetsOf(measured);
 */
export function targetsOf(m: Measured): TargetRow[] {
  const { signIn, database } = m;
  const stageTargets = CHEAP_STAGES.map((stage): TargetRow => {
    const cpu = stageOf(signIn, stage)?.cpuUsPerRequest ?? Number.NaN;
    const ratio = cpu / m.trivialUs;
    return {
      target: `${database} sign-in ${stage} CPU ≤ 1.5 × the trivial route's`,
      measured: `${times(ratio)} (${us(cpu)} vs ${us(m.trivialUs)})`,
      pass: ratio <= 1.5,
    };
  });
  const { httpLayer } = m;
  return [
    ceremonyTarget(
      `${database} sign-in CPU per ceremony ≤ 1.0 × the in-memory reference's`,
      signIn,
      m.reference,
      1,
      'not measured',
    ),
    ...stageTargets,
    ceremonyTarget(
      "PostgreSQL sign-in CPU per ceremony ≤ 2 × SQLite's",
      database === 'SQLite' ? m.postgres : null,
      signIn,
      2,
      database === 'SQLite' ? NO_POSTGRES : 'not measured (the whole run is on PostgreSQL)',
    ),
    ...roundTripTargets(m),
    {
      target: 'HTTP layer: GET /healthz − the trivial route < 20 µs CPU per request',
      measured: `${us(httpLayer.overheadUs)} (${us(httpLayer.latchkeyHealthzUs)} − ${us(httpLayer.trivialUs)})`,
      pass: httpLayer.overheadUs < 20,
    },
    ceremonyTarget(
      'Redis-counted limits: sign-in CPU per ceremony ≤ 1.1 × database-counted',
      m.redis,
      signIn,
      1.1,
      'not measured (--redis URL)',
    ),
    {
      target: 'p99 < 20 ms at 70% of the maximum rate',
      measured: `${m.paced.p99Ms.toFixed(2)} ms at ${m.paced.ratePerSecond.toFixed(0)}/s`,
      pass: m.paced.p99Ms < 20,
    },
    ...scalingTargets(m.scaling),
  ];
}
