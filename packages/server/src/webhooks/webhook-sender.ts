/**
 * Sends webhook requests over HTTP(S), checking the address each connection actually goes to: the
 * endpoint's URL was checked when it was saved, but its host may resolve elsewhere now (DNS
 * rebinding), so the check is made again at connect time, on the resolved address.
 */
import {
  lookup as dnsLookup,
  promises as dnsPromises,
  type LookupAddress,
  type LookupOptions,
} from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isNonPublicAddress, type WebhookNetworkPolicy, type WebhookSender } from '@latchkey/core';

/** How much of a receiver's answer is read (and thrown away): enough to reuse the connection. */
const MAX_RESPONSE_BYTES = 64 * 1024;

class BlockedAddressError extends Error {
  constructor(address: string) {
    super(`refused to connect to ${address}: not a public address`);
  }
}

/** A DNS lookup that fails for non-public addresses unless those are allowed. */
function guardedLookup(allowPrivateNetworks: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found as LookupAddress[];
      const blocked = allowPrivateNetworks
        ? undefined
        : addresses.find((a) => isNonPublicAddress(a.address));
      if (blocked) return callback(new BlockedAddressError(blocked.address), '', 0);
      if ((options as LookupOptions).all) return callback(null, addresses as never, 0);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The sender the delivery worker uses: one POST with a timeout over the whole exchange, no
 * redirects followed (a redirect is an answer like any other 3xx: not a success). An IP literal
 * in the URL is checked directly, since no lookup runs for it.
 */
export function createWebhookSender(options: { allowPrivateNetworks: boolean }): WebhookSender {
  const lookup = guardedLookup(options.allowPrivateNetworks);
  return (request) =>
    new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const done = (statusCode: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ statusCode, error });
      };
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        done(null, 'invalid endpoint URL');
        return;
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!options.allowPrivateNetworks && isIP(host) && isNonPublicAddress(host)) {
        done(null, new BlockedAddressError(host).message);
        return;
      }
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const outgoing = send(url, {
        method: 'POST',
        headers: {
          ...request.headers,
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': 'latchkey-webhooks',
        },
        lookup,
      });
      timer = setTimeout(() => {
        outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
      }, request.timeoutMs);
      outgoing.on('response', (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('close', () => done(response.statusCode ?? null, null));
        response.on('error', () => done(response.statusCode ?? null, null));
      });
      outgoing.on('error', (error) => done(null, error.message));
      outgoing.end(request.body);
    });
}

/**
 * The network policy endpoint URLs are checked against when saved: the operator's setting, and
 * the system's resolver (every address of the host).
 */
export function webhookNetworkPolicy(allowPrivateNetworks: boolean): WebhookNetworkPolicy {
  return {
    allowPrivateNetworks,
    resolve: async (hostname) =>
      (await dnsPromises.lookup(hostname, { all: true })).map((a) => a.address),
  };
}
