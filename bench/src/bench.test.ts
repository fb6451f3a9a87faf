import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { BenchReport } from './report.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('a tiny benchmark run reports every phase, baseline, ratio and target', async () => {
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
    ],
    { cwd: ROOT, maxBuffer: 10 * 2 ** 20 },
  );
  const report = JSON.parse(stdout) as BenchReport;
  assert.deepEqual(
    report.phases.map((p) => `${p.server}: ${p.phase}`),
    [
      'latchkey: registration',
      'latchkey: sign-in with a transaction',
      'latchkey: discoverable sign-in',
      'latchkey: nonce redemption',
      'latchkey: step-up track→challenge→validate',
      'reference: registration',
      'reference: sign-in',
      'trivial: POST /trivial',
    ],
  );
  // Every ceremony went through: the prebuilt requests were valid, whatever the speed.
  for (const phase of report.phases) assert.equal(phase.failed, 0, phase.phase);
  for (const phase of report.phases) assert.ok(phase.finishPerSecond > 0, phase.phase);
  // Each stage of a ceremony is reported on its own, in order.
  const signIn = report.phases.find((p) => p.phase === 'sign-in with a transaction');
  assert.deepEqual(
    signIn?.stages.map((s) => s.stage),
    ['transaction', 'start', 'finish', 'redeem'],
  );
  // A figure for each, not a speed: a stage this short can read 0 µs at the clock's granularity.
  for (const stage of signIn?.stages ?? []) {
    assert.ok(Number.isFinite(stage.cpuUsPerRequest) && stage.cpuUsPerRequest >= 0, stage.stage);
  }
  assert.ok(report.baselines.verifyPerSecond > 0);
  assert.ok(report.baselines.trivialCpuUsPerRequest > 0);
  assert.equal(report.scaling.length, 1);
  assert.equal(report.scaling[0]?.credentials, 200);
  assert.ok((report.scaling[0]?.bytesPerCredential ?? 0) > 0);
  assert.equal(report.targets.length, 6);
  for (const target of report.targets) assert.ok([true, false, null].includes(target.pass));
  assert.ok(report.latchkeyPeakRssMb > 0);
});
