/**
 * The scaling run: for each size, a fresh database preloaded with that many users and passkeys,
 * then sign-ins for up to 2,000 of them spread over the range, on a fresh server.
 */
import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { BENCH_ORIGIN, createBenchDatabase } from './bench-database.ts';
import { type CeremonyRun, ceremonyFigures } from './ceremony-run.ts';
import { type LatchkeyTarget, type PoolUser, signInPhase } from './latchkey-phases.ts';
import { startLatchkey } from './latchkey-server.ts';
import { cycle, stageSize } from './load-plan.ts';
import { preloadUsers } from './preload.ts';
import type { ScalingRow } from './report.ts';
import type { LoadPlan } from './sign-in-servers.ts';
import { median } from './stats.ts';

/**
 * One row per size in `sizes`, on PostgreSQL at `postgresUrl` or SQLite.
 *
 * @example
 * const rows = await scaling({ sizes: [1000, 100000], postgresUrl: undefined, core: 0, rounds: 3, plan, log });
 */
export async function scaling(options: {
  sizes: number[];
  postgresUrl: string | undefined;
  core: number | null;
  rounds: number;
  plan: LoadPlan;
  log: (message: string) => void;
}): Promise<ScalingRow[]> {
  const { plan } = options;
  const rows: ScalingRow[] = [];
  for (const size of options.sizes) {
    options.log(`scaling: preloading ${size.toLocaleString('en-US')} users with a passkey each`);
    const database = await createBenchDatabase(options.postgresUrl);
    try {
      const before = await database.sizeBytes();
      const loadStarted = performance.now();
      const sampled = await preloadUsers(
        database.store,
        database.appId,
        size,
        Math.min(size, 2000),
      );
      const preloadSeconds = (performance.now() - loadStarted) / 1000;
      const bytesPerCredential = ((await database.sizeBytes()) - before) / size;
      await database.release();
      const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
      const pool: PoolUser[] = sampled.map((u) => {
        authenticator.importCredential(u.credential);
        return { externalId: u.externalId, credentialId: u.credential.id };
      });
      const server = await startLatchkey({
        url: database.url,
        name: `scaling-${size}`,
        core: options.core,
      });
      try {
        const target: LatchkeyTarget = {
          server,
          appId: database.appId,
          apiKey: database.apiKey,
          origin: BENCH_ORIGIN,
          connections: plan.connections,
        };
        const warm = await signInPhase(target, authenticator, cycle(pool, plan.warmUp));
        const count = stageSize(ceremonyFigures(warm).ceremoniesPerSecond * 2, plan);
        const runs: CeremonyRun[] = [];
        for (let round = 0; round < options.rounds; round++) {
          runs.push(await signInPhase(target, authenticator, cycle(pool, count, round * 7)));
        }
        const figures = runs.map(ceremonyFigures);
        rows.push({
          credentials: size,
          preloadSeconds,
          bytesPerCredential,
          ceremoniesPerSecond: median(figures.map((f) => f.ceremoniesPerSecond)),
          finishPerSecond: median(figures.map((f) => f.finishPerSecond)),
          p50Ms: median(figures.map((f) => f.finishLatencyMs.p50)),
          p99Ms: median(figures.map((f) => f.finishLatencyMs.p99)),
          cpuUsPerCeremony: median(figures.map((f) => f.cpuUsPerCeremony)),
          peakRssMb: server.peakRssBytes() / 2 ** 20,
        });
      } finally {
        await server.stop();
      }
    } finally {
      await database.drop();
    }
  }
  return rows;
}
