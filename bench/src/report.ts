/** The benchmark's report: its shape, which is also what `--json` prints. */

/** One row of the phase table (medians over rounds). */
export interface PhaseRow {
  phase: string;
  /** Which server: "latchkey SQLite", "latchkey PostgreSQL", "reference", "bare Fastify", … */
  server: string;
  ceremoniesPerSecond: number | null;
  /** The finish stage's rate; for a one-request phase, its rate. */
  finishPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  cpuUsPerCeremony: number | null;
  cpuUsPerFinish: number;
  /** Requests that did not get the answer they should have, over all rounds and stages. */
  failed: number;
  /** Spread of the ceremony (or request) rate over rounds: (max − min) / median. */
  spread: number;
  /** Each stage in order, with its own medians: where the CPU goes. */
  stages: StageFigures[];
}

/** One stage of a phase (medians over rounds). */
export interface StageFigures {
  stage: string;
  requestsPerSecond: number;
  cpuUsPerRequest: number;
  /** Database statements per request (round trips on PostgreSQL); null: not counted. */
  statementsPerRequest: number | null;
}

/** One database size of the scaling run. */
export interface ScalingRow {
  credentials: number;
  preloadSeconds: number;
  bytesPerCredential: number;
  ceremoniesPerSecond: number;
  finishPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerCeremony: number;
  peakRssMb: number;
}

/** One target of the benchmark, with what was measured against it. */
export interface TargetRow {
  target: string;
  measured: string;
  /** null where the run did not measure it (no PostgreSQL given, 10^6 not asked for, …). */
  pass: boolean | null;
}

/** What latchkey's HTTP layer costs a request, against bare Fastify (CPU µs per request). */
export interface HttpLayer {
  latchkeyHealthzUs: number;
  bareHealthzUs: number;
  trivialUs: number;
  /** latchkey's `GET /healthz` − the bare `POST /trivial`: the target's figure. */
  overheadUs: number;
  /** A sign-in start refused by its body schema: CORS and rate-limit hooks, no handler. */
  refusedStartUs: number;
  refusedStartStatements: number | null;
}

/** Two latchkey processes on one PostgreSQL database against one. */
export interface MultiInstance {
  onePerSecond: number;
  twoPerSecond: number;
  ratio: number;
  placement: string;
}

/** Everything a run reports. */
export interface BenchReport {
  machine: { cores: number; cpu: string; node: string; platform: string; placement: string };
  options: Record<string, unknown>;
  baselines: {
    verifyPerSecond: number;
    verifyUs: number;
    trivialCpuUsPerRequest: number;
    trivialPerSecond: number;
    floorCpuUsPerSignIn: number;
  };
  phases: PhaseRow[];
  httpLayer: HttpLayer;
  multiInstance: MultiInstance | null;
  ratios: Record<string, number>;
  pacedSignIn: { ratePerSecond: number; p50Ms: number; p95Ms: number; p99Ms: number } | null;
  scaling: ScalingRow[];
  latchkeyPeakRssMb: number;
  targets: TargetRow[];
  rounds: number;
  seconds: number;
}
