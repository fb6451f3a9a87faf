/** The report's rows: a phase's runs over rounds reduced to medians. */
import { type CeremonyRun, ceremonyFigures } from './ceremony-run.ts';
import type { PhaseRow, StageFigures } from './report.ts';
import type { StageResult } from './run-stage.ts';
import { median, spread } from './stats.ts';

/** The median of figures that may be missing; null when none is there. */
function medianOrNull(values: (number | null)[]): number | null {
  const found = median(values.filter((v): v is number => v !== null));
  return Number.isNaN(found) ? null : found;
}

function stageFigures(stage: string, results: StageResult[]): StageFigures {
  return {
    stage,
    requestsPerSecond: median(results.map((s) => s.requestsPerSecond)),
    cpuUsPerRequest: median(results.map((s) => s.cpuUsPerRequest)),
    statementsPerRequest: medianOrNull(results.map((s) => s.statementsPerRequest)),
  };
}

/**
 * A ceremony's row; `ceremony` false for a phase that is one stage of another (no ceremony rate).
 *
 * @example
 * const row = ceremonyRow('sign-in with a transaction', 'latchkey SQLite', runs, true);
 */
export function ceremonyRow(
  phase: string,
  server: string,
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
    stages: Object.keys(runs[0]?.stages ?? {}).map((stage) =>
      stageFigures(
        stage,
        runs.map((r) => r.stages[stage]!),
      ),
    ),
  };
}

/**
 * The row of a single request measured on its own (a route, not a ceremony).
 *
 * @example
 * const row = requestRow('POST /trivial', 'bare Fastify', results);
 */
export function requestRow(phase: string, server: string, results: StageResult[]): PhaseRow {
  const figures = stageFigures(phase, results);
  return {
    phase,
    server,
    ceremoniesPerSecond: null,
    finishPerSecond: figures.requestsPerSecond,
    p50Ms: median(results.map((s) => s.latencyMs.p50)),
    p95Ms: median(results.map((s) => s.latencyMs.p95)),
    p99Ms: median(results.map((s) => s.latencyMs.p99)),
    cpuUsPerCeremony: null,
    cpuUsPerFinish: figures.cpuUsPerRequest,
    failed: results.reduce((sum, s) => sum + s.failed, 0),
    spread: spread(results.map((s) => s.requestsPerSecond)),
    stages: [figures],
  };
}

/**
 * The redemption stage of the sign-ins, as its own phase.
 *
 * @example
 * const runs = signInRuns.map(redeemRun);
 */
export function redeemRun(run: CeremonyRun): CeremonyRun {
  return {
    completed: run.stages.redeem!.ok,
    stages: { redeem: run.stages.redeem! },
    finishStage: 'redeem',
  };
}
