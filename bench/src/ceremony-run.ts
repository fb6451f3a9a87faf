/** A whole ceremony measured stage by stage, and the figures derived from its stages. */
import type { StageResult } from './run-stage.ts';

/** One measured ceremony pipeline: each stage ran alone at saturation, one after the other. */
export interface CeremonyRun {
  /** Ceremonies that went through every stage. */
  completed: number;
  stages: Record<string, StageResult>;
  /** The name of the stage that verifies the signature (the "finish" request). */
  finishStage: string;
}

/** The derived figures of a ceremony run. */
export interface CeremonyFigures {
  ceremoniesPerSecond: number;
  finishPerSecond: number;
  cpuUsPerCeremony: number;
  finishLatencyMs: { p50: number; p95: number; p99: number };
  failed: number;
}

/**
 * Ceremonies a second is what the server does serially: one over the sum of each stage's time per
 * request. Server CPU per ceremony is the stages' CPU over the completed ceremonies.
 *
 * @example
 * const { ceremoniesPerSecond } = ceremonyFigures(run);
 */
export function ceremonyFigures(run: CeremonyRun): CeremonyFigures {
  const stages = Object.values(run.stages);
  const secondsPerCeremony = stages.reduce((sum, s) => sum + 1 / s.requestsPerSecond, 0);
  const cpuMs = stages.reduce((sum, s) => sum + s.serverCpuMs, 0);
  const finish = run.stages[run.finishStage]!;
  return {
    ceremoniesPerSecond: 1 / secondsPerCeremony,
    finishPerSecond: finish.requestsPerSecond,
    cpuUsPerCeremony: (cpuMs * 1000) / Math.max(1, run.completed),
    finishLatencyMs: finish.latencyMs,
    failed: stages.reduce((sum, s) => sum + s.failed, 0),
  };
}
