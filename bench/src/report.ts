/** The benchmark's report: its shape (also printed as JSON), the table and the targets. */

/** One row of the phase table (medians over rounds). */
export interface PhaseRow {
  phase: string;
  server: 'latchkey' | 'reference' | 'trivial';
  ceremoniesPerSecond: number | null;
  finishPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  cpuUsPerCeremony: number | null;
  cpuUsPerFinish: number;
  failed: number;
  /** Spread of the ceremony (or request) rate over rounds: (max − min) / median. */
  spread: number;
  /** Each stage of the ceremony in order, with its own medians: where the CPU goes. */
  stages: StageFigures[];
}

/** One stage of a phase (medians over rounds). */
export interface StageFigures {
  stage: string;
  requestsPerSecond: number;
  cpuUsPerRequest: number;
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
  /** null where the run did not measure it (e.g. 10^6 not asked for). */
  pass: boolean | null;
}

/** Everything a run reports. */
export interface BenchReport {
  machine: { cores: number; cpu: string; node: string; platform: string; pinned: boolean };
  options: Record<string, unknown>;
  baselines: {
    verifyPerSecond: number;
    verifyUs: number;
    trivialCpuUsPerRequest: number;
    trivialPerSecond: number;
    floorCpuUsPerSignIn: number;
  };
  phases: PhaseRow[];
  ratios: Record<string, number>;
  pacedSignIn: { ratePerSecond: number; p50Ms: number; p95Ms: number; p99Ms: number } | null;
  scaling: ScalingRow[];
  latchkeyPeakRssMb: number;
  targets: TargetRow[];
  rounds: number;
  seconds: number;
}

function fmt(value: number | null, digits = 0): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * The human-readable report.
 *
 * @example
 * process.stdout.write(formatReport(report));
 */
export function formatReport(report: BenchReport): string {
  const { machine, baselines } = report;
  const out: string[] = [];
  out.push(
    `latchkey benchmark: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ` +
      `${machine.pinned ? 'server pinned to core 0, load on core 1' : 'not pinned'}, ` +
      `${report.rounds} rounds, medians`,
    '',
    'Baselines (same run)',
    `  crypto.verify ES256 on one core: ${fmt(baselines.verifyPerSecond)}/s (${fmt(baselines.verifyUs, 1)} µs each)`,
    `  trivial Fastify route at saturation: ${fmt(baselines.trivialPerSecond)} req/s, ${fmt(baselines.trivialCpuUsPerRequest, 1)} µs CPU/request`,
    `  floor of a sign-in (4 trivial requests + 1 verify): ${fmt(baselines.floorCpuUsPerSignIn, 1)} µs CPU`,
    '',
  );
  out.push(
    table(
      [
        'phase',
        'ceremonies/s',
        'finish req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'CPU µs/ceremony',
        'CPU µs/finish',
        'failed',
        'spread',
      ],
      report.phases.map((p) => [
        `${p.server === 'latchkey' ? '' : `${p.server}: `}${p.phase}`,
        fmt(p.ceremoniesPerSecond),
        fmt(p.finishPerSecond),
        fmt(p.p50Ms, 2),
        fmt(p.p95Ms, 2),
        fmt(p.p99Ms, 2),
        fmt(p.cpuUsPerCeremony),
        fmt(p.cpuUsPerFinish),
        String(p.failed),
        `${fmt(p.spread * 100)}%`,
      ]),
    ),
  );
  out.push('', 'CPU µs per request by stage (requests/s in brackets)');
  for (const p of report.phases) {
    if (p.stages.length < 2) continue;
    const stages = p.stages.map(
      (s) => `${s.stage} ${fmt(s.cpuUsPerRequest)} (${fmt(s.requestsPerSecond)}/s)`,
    );
    out.push(`  ${p.server === 'latchkey' ? '' : `${p.server}: `}${p.phase}: ${stages.join(', ')}`);
  }
  out.push('', `latchkey server peak RSS: ${fmt(report.latchkeyPeakRssMb, 1)} MB`);
  if (report.pacedSignIn) {
    const paced = report.pacedSignIn;
    out.push(
      `sign-in finish paced at 70% of its maximum (${fmt(paced.ratePerSecond)}/s): ` +
        `p50 ${fmt(paced.p50Ms, 2)} ms, p95 ${fmt(paced.p95Ms, 2)} ms, p99 ${fmt(paced.p99Ms, 2)} ms`,
    );
  }
  out.push('', 'Ratios');
  for (const [name, value] of Object.entries(report.ratios))
    out.push(`  ${name}: ${fmt(value, 2)}`);
  if (report.scaling.length) {
    out.push('', 'Scaling (sign-in with a transaction)');
    out.push(
      table(
        [
          'credentials',
          'preload s',
          'bytes/credential',
          'ceremonies/s',
          'finish req/s',
          'p50 ms',
          'p99 ms',
          'CPU µs/ceremony',
          'peak RSS MB',
        ],
        report.scaling.map((s) => [
          fmt(s.credentials),
          fmt(s.preloadSeconds, 1),
          fmt(s.bytesPerCredential),
          fmt(s.ceremoniesPerSecond),
          fmt(s.finishPerSecond),
          fmt(s.p50Ms, 2),
          fmt(s.p99Ms, 2),
          fmt(s.cpuUsPerCeremony),
          fmt(s.peakRssMb, 1),
        ]),
      ),
    );
  }
  out.push('', 'Targets');
  out.push(
    table(
      ['target', 'measured', 'result'],
      report.targets.map((t) => [
        t.target,
        t.measured,
        t.pass === null ? 'not measured' : t.pass ? 'PASS' : 'MISS',
      ]),
    ),
  );
  out.push('', `${fmt(report.seconds)} s in all`, '');
  return out.join('\n');
}
