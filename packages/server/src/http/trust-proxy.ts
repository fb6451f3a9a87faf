/**
 * Which proxies in front of the server are trusted to report the client's address. A proxy appends
 * the address it saw to `X-Forwarded-For`; everything left of that was written by whoever called
 * the proxy, so it is the client's word. The client IP (rate limits, the audit log) is therefore the
 * address the nearest untrusted hop had: counted from the right, never taken from the left.
 */
import { isIP } from 'node:net';

/**
 * Off (the socket's address), a number of proxy hops in front (1: one load balancer), or the
 * addresses and CIDR ranges of the proxies. "Trust every hop" (Fastify's `true`) is deliberately not
 * one of them: it takes the leftmost entry.
 */
export type TrustProxy = false | number | readonly string[];

/** Names `@fastify/proxy-addr` expands into address ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** The most hops accepted; more proxies than this in a chain is a typo, not a topology. */
export const MAX_TRUSTED_HOPS = 10;

function isAddressOrRange(value: string): boolean {
  if ((RANGE_NAMES as readonly string[]).includes(value)) return true;
  const slash = value.indexOf('/');
  if (slash === -1) return isIP(value) !== 0;
  const family = isIP(value.slice(0, slash));
  const bits = value.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Reads a trust-proxy setting: absent, `false` or `0` is off; `true` (a bare `--trust-proxy`) is one
 * hop; a whole number is that many hops; anything else is a comma-separated list of proxy addresses,
 * CIDR ranges or `loopback`/`linklocal`/`uniquelocal`. Throws on anything it cannot read, so that a
 * typo stops the server rather than trusting the wrong hop.
 *
 * @example
 * parseTrustProxy('2'); // 2
 * parseTrustProxy('10.0.0.0/8, 127.0.0.1'); // ['10.0.0.0/8', '127.0.0.1']
 */
export function parseTrustProxy(value: string | boolean | undefined): TrustProxy {
  if (value === undefined || value === false) return false;
  if (value === true) return 1;
  const text = value.trim();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return 1;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > MAX_TRUSTED_HOPS) {
      throw new Error(`invalid trust proxy: ${value} (1 to ${MAX_TRUSTED_HOPS} hops)`);
    }
    return hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isAddressOrRange(entry));
  if (bad !== undefined) {
    throw new Error(
      `invalid trust proxy: ${JSON.stringify(bad)} (a number of hops, or proxy addresses and CIDR ranges)`,
    );
  }
  return entries;
}

/**
 * The setting as Fastify's `trustProxy` option takes it. A hop count is a function of the hop's
 * position: Fastify reads a bare number as "trust nothing", since a count cannot tell a proxy from
 * a client that reached the port directly (operations.md says to prefer addresses for that reason).
 */
export function fastifyTrustProxy(
  trust: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false || trust === 0) return false;
  if (typeof trust !== 'number') return [...trust];
  // Hop 0 is the socket's peer, hop 1 the entry it appended, and so on leftwards.
  return (_address, hop) => hop < trust;
}
