/**
 * Which URLs an endpoint may have, and which network addresses a delivery may reach. A webhook makes
 * the server send requests where an operator (or whoever holds an operator credential) says, so
 * without these rules it would probe and call the server's own network (SSRF): its metadata
 * service, its database, its admin ports.
 */
import { BlockList, isIP } from 'node:net';
import { LatchkeyError } from '../errors.ts';

/** Where an endpoint may point, as the operator configured the server. */
export interface WebhookNetworkPolicy {
  /**
   * Allows endpoints on loopback, private, link-local and other non-public addresses (and plain
   * http on localhost): for development, or for receivers on the operator's own network.
   */
  allowPrivateNetworks: boolean;
  /** Resolves a host name to its addresses (DNS). */
  resolve(hostname: string): Promise<string[]>;
}

/** The longest endpoint URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Address ranges that are not the public internet (IANA special-purpose registries). */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` or `::ffff:xxxx:xxxx`) maps. */
function mappedIpv4(address: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex?.[1] || !hex[2]) return null;
  const high = Number.parseInt(hex[1], 16);
  const low = Number.parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Whether an address is outside the public internet: loopback, private (RFC 1918, unique local),
 * link-local (the cloud metadata service), carrier-grade NAT, documentation, multicast, reserved,
 * or an IPv4-mapped IPv6 address (checked as the IPv4 address it maps).
 */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return true;
  const mapped = mappedIpv4(bare);
  if (mapped) return NON_PUBLIC.check(mapped, 'ipv4');
  return NON_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a host is this machine: localhost (as for origins) or a loopback address. */
function isLocalhost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  const bare = hostname.replace(/^\[|\]$/g, '');
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * Checks an endpoint URL and returns it in canonical form: http(s), https unless on this machine (the
 * same development rule as origins: plain http only for localhost, here also its loopback address), no user or password, and a host whose every address is public
 * unless the operator allows private networks. Deliveries check the address again when they
 * connect, since DNS may answer differently later.
 */
export async function checkWebhookUrl(raw: string, network: WebhookNetworkPolicy): Promise<string> {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new LatchkeyError('invalid_request', 'the endpoint URL is too long');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LatchkeyError('invalid_request', `invalid endpoint URL: ${raw}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new LatchkeyError('invalid_request', 'the endpoint URL must be https');
  }
  if (url.protocol === 'http:' && !isLocalhost(url.hostname)) {
    throw new LatchkeyError(
      'invalid_request',
      'the endpoint URL must be https (plain http is only for localhost)',
    );
  }
  if (url.username || url.password) {
    throw new LatchkeyError('invalid_request', 'the endpoint URL must not hold a user or password');
  }
  url.hash = '';
  if (!network.allowPrivateNetworks) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await network.resolve(host);
    } catch {
      throw new LatchkeyError('invalid_request', `the endpoint's host does not resolve: ${host}`);
    }
    if (addresses.length === 0 || addresses.some(isNonPublicAddress)) {
      throw new LatchkeyError(
        'invalid_request',
        `the endpoint's host is on a private, loopback or link-local network: ${host} (allow it with LATCHKEY_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)`,
      );
    }
  }
  return url.toString();
}
