import { getApp } from '../apps/get-app.ts';
import { CEREMONY_MARGIN_SECONDS } from '../ceremonies/issue-ceremony.ts';
import type { Runtime } from '../runtime.ts';

/** The ceremony counts of one period (registrations, sign-ins and step-ups together). */
export interface CeremonyCounts {
  started: number;
  succeeded: number;
  failed: number;
  /** Started in this period, never succeeded nor failed, and past their lifetime now. */
  abandoned: number;
}

/** One UTC day of ceremonies. */
export interface CeremonyDay extends CeremonyCounts {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
}

/** One bucket of the chosen range. */
export interface CeremonyBucket extends CeremonyCounts {
  /** Start of the bucket, epoch milliseconds. */
  start: number;
}

/**
 * The time ranges the console offers, each with the bucket size its chart is drawn in. The last
 * bucket is the current one, so a range covers its duration up to the next bucket boundary.
 */
export const STATS_RANGES = {
  '1h': { durationMs: 3_600_000, bucketMs: 300_000 },
  '24h': { durationMs: 86_400_000, bucketMs: 3_600_000 },
  '7d': { durationMs: 7 * 86_400_000, bucketMs: 86_400_000 },
  '30d': { durationMs: 30 * 86_400_000, bucketMs: 86_400_000 },
} as const;
export type StatsRange = keyof typeof STATS_RANGES;

/** The counts the console draws as tiles and charts. */
export interface AppStats {
  /** Inclusive start and exclusive end of the period counted, epoch milliseconds. */
  since: number;
  until: number;
  bucketMs: number;
  buckets: CeremonyBucket[];
  /** The same counts per UTC day the period touches. */
  days: CeremonyDay[];
  /** Ceremonies started in the period, not finished, and still within their lifetime. */
  inProgress: number;
  /** Why ceremonies failed: the check that refused them. */
  failureReasons: Record<string, number>;
  /** Tracked actions per action code, by the state they started in. */
  actionsByCode: Record<string, Record<string, number>>;
  /** How often each rule fired. */
  ruleFires: Record<string, number>;
  /**
   * Passkeys made (every registration that succeeded), how many of those by an automatic upgrade
   * after a password sign-in, and registrations that failed.
   */
  passkeyCreations: { created: number; upgrades: number; failed: number };
}

/** The most events one stats read looks at; past it the counts cover the newest ones. */
const EVENT_LIMIT = 50_000;

const DAY_MS = 86_400_000;

type Outcome = 'started' | 'succeeded' | 'failed' | 'abandoned';

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function ceremonyIdOf(data: Record<string, unknown> | null): string | null {
  return typeof data?.ceremonyId === 'string' ? data.ceremonyId : null;
}

/**
 * Counts an app's ceremonies (started, succeeded, failed, abandoned), failure reasons, actions by
 * code and outcome, and rule fires, from the audit log: over a `range` in its buckets, or over
 * the last `days` UTC days (14 by default).
 *
 * A ceremony is abandoned when it was started, no success or failure was ever recorded for it,
 * and its lifetime (the app's current `ceremonyTtlSeconds`, plus the grace latchkey allows) has
 * passed: the user gave up, closed the dialog, or their browser never answered.
 *
 * @example
 * const stats = await appStats(runtime, { appId, range: '24h' });
 */
export async function appStats(
  runtime: Runtime,
  options: { appId: string; days?: number; range?: StatsRange },
): Promise<AppStats> {
  const app = await getApp(runtime, options.appId);
  const now = runtime.now();
  const range = options.range === undefined ? undefined : STATS_RANGES[options.range];
  const bucketMs = range?.bucketMs ?? DAY_MS;
  const count = range
    ? range.durationMs / range.bucketMs
    : Math.min(Math.max(options.days ?? 14, 1), 90);
  const until = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  const since = until - count * bucketMs;
  const events = await runtime.store.adminQueries.searchAudit({
    appId: app.id,
    types: [
      'ceremony.started',
      'ceremony.succeeded',
      'ceremony.failed',
      // Written before every ceremony recorded its own start; kept so older days still count.
      'step_up.started',
      'action.tracked',
      'action.rule_fired',
    ],
    since,
    until,
    limit: EVENT_LIMIT,
  });
  const buckets: CeremonyBucket[] = [];
  for (let i = 0; i < count; i++) {
    buckets.push({
      start: since + i * bucketMs,
      started: 0,
      succeeded: 0,
      failed: 0,
      abandoned: 0,
    });
  }
  const days = new Map<string, CeremonyDay>();
  for (let day = Math.floor(since / DAY_MS) * DAY_MS; day < until; day += DAY_MS) {
    const name = new Date(day).toISOString().slice(0, 10);
    days.set(name, { day: name, started: 0, succeeded: 0, failed: 0, abandoned: 0 });
  }
  const tally = (at: number, outcome: Outcome): void => {
    const bucket = buckets[Math.floor((at - since) / bucketMs)];
    if (bucket) bucket[outcome] += 1;
    const day = days.get(new Date(at).toISOString().slice(0, 10));
    if (day) day[outcome] += 1;
  };
  const stats: AppStats = {
    since,
    until,
    bucketMs,
    buckets,
    days: [],
    inProgress: 0,
    failureReasons: {},
    actionsByCode: {},
    ruleFires: {},
    passkeyCreations: { created: 0, upgrades: 0, failed: 0 },
  };
  const startedAt = new Map<string, number>();
  const finished = new Set<string>();
  for (const event of events) {
    const [family, what] = event.type.split('.') as [string, string];
    if (family === 'ceremony' || family === 'step_up') {
      if (what === 'started' || what === 'succeeded' || what === 'failed') tally(event.at, what);
      if (what === 'failed') bump(stats.failureReasons, event.reason ?? 'unknown');
      if (family === 'ceremony' && event.data?.kind === 'register') {
        const creations = stats.passkeyCreations;
        if (what === 'succeeded') creations.created += 1;
        if (what === 'succeeded' && event.data.upgrade === true) creations.upgrades += 1;
        if (what === 'failed') creations.failed += 1;
      }
      const ceremonyId = family === 'ceremony' ? ceremonyIdOf(event.data) : null;
      if (ceremonyId === null) continue;
      if (what === 'started') startedAt.set(ceremonyId, event.at);
      else finished.add(ceremonyId);
    } else if (event.type === 'action.tracked') {
      const code = String(event.data?.actionCode ?? 'unknown');
      stats.actionsByCode[code] ??= {};
      bump(stats.actionsByCode[code], String(event.data?.state ?? 'unknown'));
    } else if (event.type === 'action.rule_fired') {
      bump(stats.ruleFires, String(event.data?.ruleId ?? 'unknown'));
    }
  }
  const lifetimeMs = (app.policy.ceremonyTtlSeconds + CEREMONY_MARGIN_SECONDS) * 1000;
  for (const [ceremonyId, at] of startedAt) {
    if (finished.has(ceremonyId)) continue;
    if (at + lifetimeMs <= now) tally(at, 'abandoned');
    else stats.inProgress += 1;
  }
  stats.days = [...days.values()];
  return stats;
}
