/**
 * The one reader and writer of latchkey's credential formats. Each kind has its own prefix, so a
 * credential pasted into the wrong place is recognised (and refused) by its shape alone:
 * - an app API key (the SDKs' secret key): `lk_<key id>.<secret>`;
 * - an operator token: `lko_<token id>.<secret>`;
 * - a console session: `lks_<secret>` (no id: the session is found by the secret's hash).
 */

/** The prefix of each credential kind. */
export const KEY_PREFIXES = {
  appKey: 'lk_',
  operatorToken: 'lko_',
  operatorSession: 'lks_',
} as const;
export type KeyKind = keyof typeof KEY_PREFIXES;

/** The kinds written `<prefix><id>.<secret>`. */
export type IdentifiedKeyKind = Exclude<KeyKind, 'operatorSession'>;

/** Longer than any credential latchkey issues: refused before any parsing or lookup. */
export const MAX_KEY_LENGTH = 200;
/** Ids are UUIDs; this bound only keeps a made-up id from reaching the database. */
const MAX_ID_LENGTH = 100;

/** A credential split into the id that finds its row and the secret whose hash is compared. */
export interface ParsedKey {
  id: string;
  secret: string;
}

/**
 * Writes a credential of a kind with an id.
 *
 * @example
 * formatKey('appKey', id, secret); // 'lk_<id>.<secret>'
 */
export function formatKey(kind: IdentifiedKeyKind, id: string, secret: string): string {
  return `${KEY_PREFIXES[kind]}${id}.${secret}`;
}

/**
 * Reads a credential of a kind with an id: null unless it has that kind's prefix, a non-empty id
 * without a dot, and a non-empty secret, within {@link MAX_KEY_LENGTH}.
 *
 * @example
 * parseKey('appKey', 'lk_k1.s3cret'); // { id: 'k1', secret: 's3cret' }
 */
export function parseKey(kind: IdentifiedKeyKind, value: string): ParsedKey | null {
  const prefix = KEY_PREFIXES[kind];
  if (!value.startsWith(prefix) || value.length > MAX_KEY_LENGTH) return null;
  const rest = value.slice(prefix.length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot > MAX_ID_LENGTH || dot === rest.length - 1) return null;
  return { id: rest.slice(0, dot), secret: rest.slice(dot + 1) };
}

/**
 * The kind a credential's prefix names, or null. Only the prefix is read: whether the rest is
 * well formed is for {@link parseKey}.
 */
export function keyKindOf(value: string): KeyKind | null {
  // The longer prefixes first: `lko_` and `lks_` are not `lk_`, but a looser order would not care.
  if (value.startsWith(KEY_PREFIXES.operatorToken)) return 'operatorToken';
  if (value.startsWith(KEY_PREFIXES.operatorSession)) return 'operatorSession';
  if (value.startsWith(KEY_PREFIXES.appKey)) return 'appKey';
  return null;
}
