/**
 * Related origins (WebAuthn L3 §5.11, "Related Origin Requests"): web origins outside an app's RP
 * ID that may still use it, because the RP ID's domain lists them in `/.well-known/webauthn`.
 */
import { parse } from 'tldts';
import { LatchkeyError } from '../errors.ts';
import { isAndroidOrigin, isPublicSuffix, normalizeOrigin, originHostname } from './origins.ts';

/**
 * WebAuthn L3 §5.11.1: a browser reads at most this many distinct labels (the first label of each
 * origin's registrable domain) from the document; origins with a sixth label are never matched.
 */
export const RELATED_ORIGIN_MAX_LABELS = 5;

/** Upper bound of related origins per app, as for an app's own origins. */
export const RELATED_ORIGINS_MAX = 50;

/**
 * The label WebAuthn L3 §5.11.1 counts for an origin: the first label of its host's registrable
 * domain (eTLD+1), by the Public Suffix List with its private section, as browsers read it.
 * `https://shop.bank.co.uk` → `bank`. Null where the host has no registrable domain.
 *
 * @example
 * relatedOriginLabel('https://www.bank.co.uk') // 'bank'
 */
export function relatedOriginLabel(origin: string): string | null {
  const domain = parse(originHostname(origin), { allowPrivateDomains: true }).domain;
  return domain ? (domain.split('.')[0] ?? null) : null;
}

/**
 * Validates an app's related origins and returns them canonical and without repeats. Each is a
 * bare web origin as {@link normalizeOrigin} accepts (https; http only on localhost; no IP
 * address), whose host has a registrable domain (not a public suffix); together they use at most
 * {@link RELATED_ORIGIN_MAX_LABELS} labels, since a browser would ignore the origins of a sixth.
 *
 * @example
 * resolveRelatedOrigins(['https://bank.co.uk/', 'https://bank-shop.example'])
 * // ['https://bank.co.uk', 'https://bank-shop.example']
 */
export function resolveRelatedOrigins(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new LatchkeyError('invalid_request', 'relatedOrigins must be a list of origins');
  }
  if (value.length > RELATED_ORIGINS_MAX) {
    throw new LatchkeyError(
      'invalid_request',
      `relatedOrigins must list at most ${RELATED_ORIGINS_MAX} origins`,
    );
  }
  const origins = [...new Set((value as string[]).map(checkRelatedOrigin))];
  const labels = new Set(origins.map(relatedOriginLabel));
  if (labels.size > RELATED_ORIGIN_MAX_LABELS) {
    throw new LatchkeyError(
      'invalid_request',
      `relatedOrigins use ${labels.size} registrable-domain labels (${[...labels].join(', ')}): browsers read at most ${RELATED_ORIGIN_MAX_LABELS}, so origins past the fifth would never work`,
    );
  }
  return origins;
}

function checkRelatedOrigin(origin: string): string {
  if (isAndroidOrigin(origin)) {
    throw new LatchkeyError(
      'invalid_request',
      `relatedOrigins ${origin}: related origins are web origins; Android apps go in origins or androidApps`,
    );
  }
  let normalized: string;
  try {
    normalized = normalizeOrigin(origin);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LatchkeyError('invalid_request', `relatedOrigins: ${message}`);
  }
  const host = originHostname(normalized);
  if (isPublicSuffix(host) || relatedOriginLabel(normalized) === null) {
    throw new LatchkeyError(
      'invalid_request',
      `relatedOrigins ${origin}: ${host} is a public suffix or has no registrable domain, which a browser never relates to an RP ID`,
    );
  }
  return normalized;
}
