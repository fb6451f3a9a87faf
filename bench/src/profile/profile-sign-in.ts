/**
 * `npm run bench:profile`: profiles the latchkey server (built as deployed) over each stage of a
 * sign-in with a transaction: transaction, start, finish, redeem. The server runs pinned to core 0
 * with a preloaded hook (profiler-hook.mjs) that the benchmark starts and stops around each
 * stage, so a profile holds that stage and nothing of the start-up. Writes one `.cpuprofile` per
 * stage (open them in Chrome's DevTools) and prints where each stage spent its time.
 *
 * Options: --db <postgres url> (default SQLite in a temp dir), --redis <url>, --ceremonies <n>
 * (default 3000), --out <dir> (default a temp dir).
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { BENCH_ORIGIN, createBenchDatabase } from '../bench-database.ts';
import { type LatchkeyTarget, registrationPhase, signInPhase } from '../latchkey-phases.ts';
import { startLatchkey } from '../latchkey-server.ts';
import { canPin, pinProcess } from '../processes.ts';
import { summarizeProfile } from './summarize-profile.ts';

const STAGES = ['transaction', 'start', 'finish', 'redeem'] as const;

const { values: flags } = parseArgs({
  options: {
    db: { type: 'string' },
    redis: { type: 'string' },
    ceremonies: { type: 'string' },
    out: { type: 'string' },
  },
});
const ceremonies = Number(flags.ceremonies ?? 3000);
const out = flags.out ?? mkdtempSync(join(tmpdir(), 'latchkey-profile-'));
mkdirSync(out, { recursive: true });
const pin = canPin(cpus().length);
if (pin) pinProcess(process.pid, 1);

const database = await createBenchDatabase(flags.db);
await database.release();
const server = await startLatchkey({
  url: database.url,
  name: 'profiled',
  core: pin ? 0 : null,
  ...(flags.redis ? { redis: flags.redis } : {}),
  env: { LATCHKEY_PROFILE_DIR: out },
  nodeFlags: ['--import', resolve(import.meta.dirname, 'profiler-hook.mjs')],
});
try {
  const target: LatchkeyTarget = {
    server,
    appId: database.appId,
    apiKey: database.apiKey,
    origin: BENCH_ORIGIN,
    connections: 10,
  };
  const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
  const ids = Array.from({ length: Math.min(ceremonies, 1000) }, (_, i) => `profiled-${i}`);
  const { users } = await registrationPhase(target, authenticator, ids);
  // Warm: every code path compiled and every cache filled before anything is profiled.
  await signInPhase(target, authenticator, users);
  const pool = Array.from({ length: ceremonies }, (_, i) => users[i % users.length]!);
  const run = await signInPhase(target, authenticator, pool, undefined, {
    before: () => {
      process.kill(server.pid, 'SIGUSR2');
    },
    after: async () => {
      process.kill(server.pid, 'SIGUSR2');
      // The hook writes the profile once V8 hands it over.
      await new Promise((done) => setTimeout(done, 1_000));
    },
  });
  const written = readdirSync(out)
    .filter((name) => /^\d+\.cpuprofile$/.test(name))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  STAGES.forEach((stage, i) => {
    const file = written[i];
    if (!file) return;
    const named = join(out, `${stage}.cpuprofile`);
    renameSync(join(out, file), named);
    const result = run.stages[stage];
    process.stdout.write(
      `\n${stage}: ${result?.cpuUsPerRequest.toFixed(0)} µs CPU per request (profiled), ${named}\n`,
    );
    process.stdout.write(`${summarizeProfile(named, 15).join('\n')}\n`);
  });
} finally {
  await server.stop();
  await database.drop();
}
