import { parseTrustProxy, type TrustProxy } from './http/trust-proxy.ts';
import { LOG_FORMATS, type LogFormat } from './log-format.ts';

/** A setting (flag or environment variable) that cannot be used; the CLI prints its message. */
export class SettingError extends Error {
  override name = 'SettingError';
}

/** Where settings come from: flags first, then the environment, then these defaults. */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  databaseUrl: 'sqlite:./latchkey.db',
  auditRetentionDays: 90,
  refusedCredentialsPerIp: 30,
} as const;

/** The database URL to use: `--db`, else `LATCHKEY_DATABASE_URL`, else `sqlite:./latchkey.db`. */
export function databaseUrl(flag: string | undefined): string {
  return flag ?? process.env.LATCHKEY_DATABASE_URL ?? DEFAULTS.databaseUrl;
}

/** The port to listen on: `--port`, else `PORT`, else 8080. */
export function listenPort(flag: string | undefined): number {
  const value = flag ?? process.env.PORT ?? String(DEFAULTS.port);
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingError(`invalid port: ${value}`);
  }
  return port;
}

/** The host to listen on: `--host`, else `HOST`, else 127.0.0.1. */
export function listenHost(flag: string | undefined): string {
  return flag ?? process.env.HOST ?? DEFAULTS.host;
}

/** The Redis URL for rate-limit counters: `--redis`, else `LATCHKEY_REDIS_URL`, else none. */
export function redisUrl(flag: string | undefined): string | undefined {
  return flag ?? process.env.LATCHKEY_REDIS_URL ?? undefined;
}

/**
 * Which proxies to trust for the client IP: `--trust-proxy [hops|addresses]`, else
 * `LATCHKEY_TRUST_PROXY`, else none. A bare flag (or `true`) is one hop; see {@link parseTrustProxy}.
 */
export function trustProxy(flag: string | boolean | undefined): TrustProxy {
  return parseTrustProxy(flag ?? process.env.LATCHKEY_TRUST_PROXY);
}

/** Seconds between sweeps: `--sweep-interval`, else `LATCHKEY_SWEEP_INTERVAL`, else 60. */
export function sweepIntervalSeconds(flag: string | undefined): number {
  const value = flag ?? process.env.LATCHKEY_SWEEP_INTERVAL ?? '60';
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new SettingError(`invalid sweep interval: ${value} (whole seconds, 1 to 86400)`);
  }
  return seconds;
}

/**
 * Days audit events are kept: `--audit-retention`, else `LATCHKEY_AUDIT_RETENTION_DAYS`, else 90;
 * 0 keeps them forever.
 */
export function auditRetentionDays(flag: string | undefined): number {
  const value =
    flag ?? process.env.LATCHKEY_AUDIT_RETENTION_DAYS ?? String(DEFAULTS.auditRetentionDays);
  const days = Number(value);
  if (!/^\d{1,6}$/.test(value.trim()) || !Number.isSafeInteger(days)) {
    throw new SettingError(
      `invalid audit retention: ${value} (whole days; 0 keeps events forever)`,
    );
  }
  return days;
}

/**
 * Refused credentials (API keys, secret keys, operator tokens) a minute from one client IP before
 * that address gets 429: `--refused-credentials-per-ip`, else
 * `LATCHKEY_REFUSED_CREDENTIALS_PER_IP`, else 30; 0 turns the limit off.
 */
export function refusedCredentialsPerIp(flag: string | undefined): number {
  const value =
    flag ??
    process.env.LATCHKEY_REFUSED_CREDENTIALS_PER_IP ??
    String(DEFAULTS.refusedCredentialsPerIp);
  const limit = Number(value);
  if (!/^\d{1,7}$/.test(value.trim()) || limit > 1_000_000) {
    throw new SettingError(
      `invalid refused-credentials limit: ${value} (a whole number a minute, 0 to 1000000; 0 turns it off)`,
    );
  }
  return limit;
}

/** The log level: `--log-level`, else `LOG_LEVEL`, else info. */
export function logLevel(flag: string | undefined): string {
  return flag ?? process.env.LOG_LEVEL ?? 'info';
}

/**
 * How logs are written: `--log-format`, else `LATCHKEY_LOG_FORMAT`, else text on a terminal and
 * JSON lines otherwise (a pipe, a file, a container's log collector).
 */
export function logFormat(flag: string | undefined, isTerminal: boolean): LogFormat {
  const value = flag ?? (process.env.LATCHKEY_LOG_FORMAT || (isTerminal ? 'text' : 'json'));
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new SettingError(`invalid log format: ${value} (${LOG_FORMATS.join(' or ')})`);
  }
  return value as LogFormat;
}

/** How webhooks are delivered; see {@link webhookSettings}. */
export interface WebhookSettings {
  /** How long one attempt may take. */
  timeoutMs: number;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts: number;
  /** The wait after the first failure; doubled after each. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How often the worker looks for due deliveries. */
  pollMs: number;
  /** Deliveries taken in one round. */
  batchSize: number;
  /** Endpoints may be on loopback, private and link-local networks (development). */
  allowPrivateNetworks: boolean;
}

/** The webhook defaults: 10 s a try, 8 tries from 10 s apart up to an hour apart (about 21 min in all). */
export const WEBHOOK_DEFAULTS: WebhookSettings = {
  timeoutMs: 10_000,
  maxAttempts: 8,
  backoffMs: 10_000,
  maxBackoffMs: 3_600_000,
  pollMs: 1_000,
  batchSize: 20,
  allowPrivateNetworks: false,
};

function wholeNumber(name: string, fallback: number, min: number, max: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d{1,10}$/.test(value.trim()) || n < min || n > max) {
    throw new SettingError(`invalid ${name}: ${value} (a whole number, ${min} to ${max})`);
  }
  return n;
}

/**
 * Webhook delivery settings from the environment: `LATCHKEY_WEBHOOK_TIMEOUT_MS`,
 * `LATCHKEY_WEBHOOK_MAX_ATTEMPTS`, `LATCHKEY_WEBHOOK_BACKOFF_MS`, `LATCHKEY_WEBHOOK_MAX_BACKOFF_MS`,
 * `LATCHKEY_WEBHOOK_POLL_MS`, and `LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` (off by default).
 */
export function webhookSettings(): WebhookSettings {
  const allow = process.env.LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? 'false';
  if (!['true', 'false', '1', '0'].includes(allow)) {
    throw new SettingError(
      `invalid LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS: ${allow} (true or false)`,
    );
  }
  const d = WEBHOOK_DEFAULTS;
  return {
    timeoutMs: wholeNumber('LATCHKEY_WEBHOOK_TIMEOUT_MS', d.timeoutMs, 100, 300_000),
    maxAttempts: wholeNumber('LATCHKEY_WEBHOOK_MAX_ATTEMPTS', d.maxAttempts, 1, 100),
    backoffMs: wholeNumber('LATCHKEY_WEBHOOK_BACKOFF_MS', d.backoffMs, 1, 86_400_000),
    maxBackoffMs: wholeNumber('LATCHKEY_WEBHOOK_MAX_BACKOFF_MS', d.maxBackoffMs, 1, 604_800_000),
    pollMs: wholeNumber('LATCHKEY_WEBHOOK_POLL_MS', d.pollMs, 10, 3_600_000),
    batchSize: d.batchSize,
    allowPrivateNetworks: allow === 'true' || allow === '1',
  };
}
