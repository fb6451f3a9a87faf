/**
 * A tiny benchmark run, end to end: every phase, stage and target is reported, and every request
 * got the answer it should have. With LATCHKEY_TEST_POSTGRES_URL and LATCHKEY_TEST_REDIS_URL (as
 * CI sets them), the PostgreSQL, two-process and Redis-counted servers run too.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { BenchReport, PhaseRow } from './report.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const postgres = process.env.LATCHKEY_TEST_POSTGRES_URL || undefined;
const redis = process.env.LATCHKEY_TEST_REDIS_URL || undefined;
const SIGN_IN = 'sign-in with a transaction';
const SIGN_IN_STAGES = ['transaction', 'start', 'finish', 'redeem'];

const without = [
  ...(postgres ? [] : ['PostgreSQL (LATCHKEY_TEST_POSTGRES_URL unset)']),
  ...(redis ? [] : ['Redis (LATCHKEY_TEST_REDIS_URL unset)']),
];
const name =
  'a tiny benchmark run reports every phase, stage, ratio and target, and every request succeeds' +
  (without.length ? `, without ${without.join(' or ')}` : ', with PostgreSQL and Redis');

function expectedPhases(): string[] {
  return [
    'latchkey SQLite: registration',
    `latchkey SQLite: ${SIGN_IN}`,
    'latchkey SQLite: discoverable sign-in',
    'latchkey SQLite: nonce redemption',
    'latchkey SQLite: step-up track→challenge→validate',
    'latchkey SQLite: GET /healthz',
    'latchkey SQLite: sign-in start refused by its schema',
    ...(postgres ? [`latchkey PostgreSQL: ${SIGN_IN}`] : []),
    ...(redis ? [`latchkey SQLite, Redis limits: ${SIGN_IN}`] : []),
    ...(postgres ? [`latchkey PostgreSQL ×2 processes: ${SIGN_IN}`] : []),
    'reference: registration',
    `reference: ${SIGN_IN}`,
    'bare Fastify: POST /trivial',
    'bare Fastify: GET /healthz',
  ];
}

test(name, async (t) => {
  if (without.length) t.diagnostic(`not measured here: ${without.join(', ')}`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/src/main.ts',
      '--quick',
      '--json',
      '--sizes',
      '200',
      '--duration',
      '0.1',
      '--warm-up',
      '10',
      '--min-requests',
      '10',
      '--connections',
      '4',
      ...(postgres ? ['--postgres', postgres] : []),
      ...(redis ? ['--redis', redis] : []),
    ],
    // Not from the environment: only what this test asks for.
    {
      cwd: ROOT,
      maxBuffer: 10 * 2 ** 20,
      env: { ...process.env, LATCHKEY_BENCH_POSTGRES_URL: '', LATCHKEY_BENCH_REDIS_URL: '' },
    },
  );
  const report = JSON.parse(stdout) as BenchReport;
  assert.deepEqual(
    report.phases.map((p) => `${p.server}: ${p.phase}`),
    expectedPhases(),
  );
  // Every ceremony went through: the prebuilt requests were valid, whatever the speed.
  for (const phase of report.phases) {
    assert.equal(phase.failed, 0, `${phase.server}: ${phase.phase}`);
    assert.ok(phase.finishPerSecond > 0, `${phase.server}: ${phase.phase}`);
  }
  // Every server's sign-in is reported stage by stage, in order, each with a CPU figure; a latchkey
  // server's with its statements per request.
  const signIns = report.phases.filter((p) => p.phase === SIGN_IN);
  for (const row of signIns) {
    assert.deepEqual(
      row.stages.map((s) => s.stage),
      SIGN_IN_STAGES,
      row.server,
    );
    for (const stage of row.stages) {
      assert.ok(Number.isFinite(stage.cpuUsPerRequest) && stage.cpuUsPerRequest >= 0, stage.stage);
      if (row.server.startsWith('latchkey')) {
        assert.ok((stage.statementsPerRequest ?? -1) >= 0, `${row.server}: ${stage.stage}`);
      }
    }
  }
  const statementsOf = (row: PhaseRow | undefined, stage: string): number | null | undefined =>
    row?.stages.find((s) => s.stage === stage)?.statementsPerRequest;
  // Redemption alone is one read-and-burn of the nonce and its user: never none.
  assert.ok((statementsOf(signIns[0], 'redeem') ?? 0) > 0);
  assert.ok(report.httpLayer.latchkeyHealthzUs > 0);
  assert.ok(report.httpLayer.refusedStartStatements !== null);
  assert.equal(report.multiInstance !== null, postgres !== undefined);
  assert.ok(report.baselines.verifyPerSecond > 0);
  assert.ok(report.baselines.trivialCpuUsPerRequest > 0);
  assert.equal(report.scaling.length, 1);
  assert.equal(report.scaling[0]?.credentials, 200);
  assert.ok((report.scaling[0]?.bytesPerCredential ?? 0) > 0);
  assert.ok(report.latchkeyPeakRssMb > 0);

  const targets = new Map(report.targets.map((row) => [row.target, row]));
  const measuredWith: [string, boolean][] = [
    ["SQLite sign-in CPU per ceremony ≤ 1.0 × the in-memory reference's", true],
    ["SQLite sign-in transaction CPU ≤ 1.5 × the trivial route's", true],
    ["SQLite sign-in start CPU ≤ 1.5 × the trivial route's", true],
    ["SQLite sign-in redeem CPU ≤ 1.5 × the trivial route's", true],
    ["PostgreSQL sign-in CPU per ceremony ≤ 2 × SQLite's", postgres !== undefined],
    ['PostgreSQL transaction: ≤ 1 database round trip per request', postgres !== undefined],
    ['PostgreSQL start: ≤ 1 database round trip per request', postgres !== undefined],
    ['PostgreSQL redeem: ≤ 1 database round trip per request', postgres !== undefined],
    ['HTTP layer: GET /healthz − the trivial route < 20 µs CPU per request', true],
    [
      'Redis-counted limits: sign-in CPU per ceremony ≤ 1.1 × database-counted',
      redis !== undefined,
    ],
    ['p99 < 20 ms at 70% of the maximum rate', true],
    ['latency at the largest size ≤ 1.3 × at 10^3 (p50 finish)', false],
    ['server RSS < 200 MB at 10^6 credentials', false],
  ];
  assert.deepEqual(
    [...targets.keys()],
    measuredWith.map(([target]) => target),
  );
  for (const [target, measured] of measuredWith) {
    const row = targets.get(target)!;
    assert.equal(row.pass !== null, measured, `${target}: ${row.measured}`);
  }
});
