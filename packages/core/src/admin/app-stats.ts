import { getApp } from '../apps/get-app.ts';
import type { Runtime } from '../runtime.ts';

/** One day of ceremonies (registrations, sign-ins and step-ups together). */
export interface CeremonyDay {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  started: number;
  succeeded: number;
  failed: number;
}

/** The counts the console draws as charts. */
export interface AppStats {
  days: CeremonyDay[];
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

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * Counts an app's ceremonies per UTC day, failure reasons, actions by code and outcome, and rule
 * fires over the last `days` days, from the audit log.
 *
 * @example
 * const stats = await appStats(runtime, { appId, days: 14 });
 */
export async function appStats(
  runtime: Runtime,
  options: { appId: string; days?: number },
): Promise<AppStats> {
  const app = await getApp(runtime, options.appId);
  const dayCount = Math.min(Math.max(options.days ?? 14, 1), 90);
  const today = Math.floor(runtime.now() / DAY_MS) * DAY_MS;
  const since = today - (dayCount - 1) * DAY_MS;
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
    limit: EVENT_LIMIT,
  });
  const days = new Map<string, CeremonyDay>();
  for (let i = 0; i < dayCount; i++) {
    const day = new Date(since + i * DAY_MS).toISOString().slice(0, 10);
    days.set(day, { day, started: 0, succeeded: 0, failed: 0 });
  }
  const stats: AppStats = {
    days: [],
    failureReasons: {},
    actionsByCode: {},
    ruleFires: {},
    passkeyCreations: { created: 0, upgrades: 0, failed: 0 },
  };
  for (const event of events) {
    const bucket = days.get(new Date(event.at).toISOString().slice(0, 10));
    const [family, what] = event.type.split('.') as [string, string];
    if (family === 'ceremony' || family === 'step_up') {
      if (bucket && (what === 'started' || what === 'succeeded' || what === 'failed')) {
        bucket[what] += 1;
      }
      if (what === 'failed') bump(stats.failureReasons, event.reason ?? 'unknown');
      if (family === 'ceremony' && event.data?.kind === 'register') {
        const creations = stats.passkeyCreations;
        if (what === 'succeeded') creations.created += 1;
        if (what === 'succeeded' && event.data.upgrade === true) creations.upgrades += 1;
        if (what === 'failed') creations.failed += 1;
      }
    } else if (event.type === 'action.tracked') {
      const code = String(event.data?.actionCode ?? 'unknown');
      stats.actionsByCode[code] ??= {};
      bump(stats.actionsByCode[code], String(event.data?.state ?? 'unknown'));
    } else if (event.type === 'action.rule_fired') {
      bump(stats.ruleFires, String(event.data?.ruleId ?? 'unknown'));
    }
  }
  stats.days = [...days.values()];
  return stats;
}
