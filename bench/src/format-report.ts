/** The report as text: tables of the phases, the sign-in by stage, the ratios and the targets. */
import type { BenchReport, PhaseRow, StageFigures } from './report.ts';

/** The phase every server runs, whose stages the by-stage table compares. */
const SIGN_IN = 'sign-in with a transaction';
const SIGN_IN_STAGES = ['transaction', 'start', 'finish', 'redeem'] as const;

function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
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

/** Whether the server has a database whose statements are counted (or should be). */
function hasDatabase(row: PhaseRow): boolean {
  return row.server.startsWith('latchkey');
}

/** "CPU µs [statements]" for one stage; "n/a" where a latchkey server does not count them. */
function stageCell(row: PhaseRow, stage: StageFigures | undefined): string {
  if (!stage) return '–';
  if (!hasDatabase(row)) return fmt(stage.cpuUsPerRequest);
  return `${fmt(stage.cpuUsPerRequest)} [${fmt(stage.statementsPerRequest, 2).replace('–', 'n/a')}]`;
}

function phaseTable(phases: PhaseRow[]): string {
  return table(
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
    phases.map((p) => [
      `${p.server}: ${p.phase}`,
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
  );
}

function signInByStage(phases: PhaseRow[]): string {
  const rows = phases.filter((p) => p.phase === SIGN_IN);
  return table(
    ['server', ...SIGN_IN_STAGES, 'CPU µs/ceremony', 'ceremonies/s'],
    rows.map((row) => [
      row.server,
      ...SIGN_IN_STAGES.map((name) =>
        stageCell(
          row,
          row.stages.find((s) => s.stage === name),
        ),
      ),
      fmt(row.cpuUsPerCeremony),
      fmt(row.ceremoniesPerSecond),
    ]),
  );
}

function scalingTable(report: BenchReport): string {
  return table(
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
  );
}

/**
 * The human-readable report.
 *
 * @example
 * process.stdout.write(formatReport(report));
 */
export function formatReport(report: BenchReport): string {
  const { machine, baselines, httpLayer } = report;
  const out: string[] = [
    `latchkey benchmark: ${machine.cores} cores (${machine.cpu}), node ${machine.node}, ` +
      `${machine.placement}, ${report.rounds} rounds, medians`,
    '',
    'Baselines (same run)',
    `  crypto.verify ES256 on one core: ${fmt(baselines.verifyPerSecond)}/s (${fmt(baselines.verifyUs, 1)} µs each)`,
    `  trivial Fastify route at saturation: ${fmt(baselines.trivialPerSecond)} req/s, ${fmt(baselines.trivialCpuUsPerRequest, 1)} µs CPU/request`,
    `  floor of a sign-in (4 trivial requests + 1 verify): ${fmt(baselines.floorCpuUsPerSignIn, 1)} µs CPU`,
    '',
    phaseTable(report.phases),
    '',
    'Sign-in with a transaction by stage: CPU µs per request [database statements per request]',
    signInByStage(report.phases),
    '',
    'Other phases by stage: CPU µs per request [statements] (requests/s)',
  ];
  for (const p of report.phases) {
    if (p.stages.length < 2 || p.phase === SIGN_IN) continue;
    const stages = p.stages.map(
      (s) => `${s.stage} ${stageCell(p, s)} (${fmt(s.requestsPerSecond)}/s)`,
    );
    out.push(`  ${p.server}: ${p.phase}: ${stages.join(', ')}`);
  }
  out.push(
    '',
    `HTTP layer, CPU µs per request: latchkey GET /healthz ${fmt(httpLayer.latchkeyHealthzUs, 1)}, ` +
      `bare Fastify GET /healthz ${fmt(httpLayer.bareHealthzUs, 1)} and POST /trivial ${fmt(httpLayer.trivialUs, 1)}; ` +
      `latchkey's overhead ${fmt(httpLayer.overheadUs, 1)}`,
    `  a sign-in start refused by its schema (CORS and rate-limit hooks, no handler): ` +
      `${fmt(httpLayer.refusedStartUs, 1)} µs [${fmt(httpLayer.refusedStartStatements, 2).replace('–', 'n/a')} statements]`,
  );
  if (report.multiInstance) {
    const multi = report.multiInstance;
    out.push(
      `Two latchkey processes on one PostgreSQL database (${multi.placement}): ` +
        `${fmt(multi.twoPerSecond)} ceremonies/s against ${fmt(multi.onePerSecond)} with one, ${fmt(multi.ratio, 2)} ×`,
    );
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
  for (const [name, value] of Object.entries(report.ratios)) {
    out.push(`  ${name}: ${fmt(value, 2)}`);
  }
  if (report.scaling.length) {
    out.push('', 'Scaling (sign-in with a transaction)', scalingTable(report));
  }
  out.push(
    '',
    'Targets',
    table(
      ['target', 'measured', 'result'],
      report.targets.map((t) => [
        t.target,
        t.measured,
        t.pass === null ? '–' : t.pass ? 'PASS' : 'MISS',
      ]),
    ),
    '',
    `${fmt(report.seconds)} s in all`,
    '',
  );
  return out.join('\n');
}
