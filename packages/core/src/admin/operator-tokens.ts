import { timingSafeEqual } from 'node:crypto';
import { formatKey, KEY_PREFIXES, parseKey } from '../apps/api-key-format.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { LatchkeyError } from '../errors.ts';
import { newId, newSecret, type Runtime, sha256Hex } from '../runtime.ts';
import type { OperatorTokenRecord } from './operator-port.ts';

/**
 * Operator tokens read `lko_<token id>.<secret>` (api-key-format.ts): a prefix apart from app keys
 * (`lk_`), so a key pasted into the wrong place is recognised and refused. As with app keys, a
 * 256-bit random secret needs no slow hash; only its SHA-256 is stored and compared in constant time.
 */
export const OPERATOR_TOKEN_PREFIX = KEY_PREFIXES.operatorToken;

/** Constant-time equality of two hex SHA-256 digests. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Creates an operator token. The returned `token` is shown once: only its hash is stored.
 *
 * @example
 * const { id, token } = await createOperatorToken(runtime, { name: 'alice' });
 */
export async function createOperatorToken(
  runtime: Runtime,
  options: { name: string },
  context?: RequestContext,
): Promise<{ id: string; token: string; record: OperatorTokenRecord }> {
  const name = options.name.trim();
  if (name.length === 0 || name.length > 100) {
    throw new LatchkeyError('invalid_request', 'a token name is 1 to 100 characters');
  }
  const id = newId(runtime);
  const secret = newSecret(runtime);
  const record: OperatorTokenRecord = {
    id,
    name,
    secretHash: sha256Hex(secret),
    createdAt: runtime.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await runtime.store.operatorTokens.insert(record);
  await recordEvent(runtime, context, {
    type: 'operator_token.created',
    appId: null,
    data: { tokenId: id, name },
  });
  return { id, token: formatKey('operatorToken', id, secret), record };
}

/** Every operator token, revoked ones included (never their secrets: only hashes are stored). */
export async function listOperatorTokens(runtime: Runtime): Promise<OperatorTokenRecord[]> {
  return runtime.store.operatorTokens.list();
}

/**
 * Revokes an operator token by id; sessions made from it end with it.
 *
 * @example
 * await revokeOperatorToken(runtime, { tokenId });
 */
export async function revokeOperatorToken(
  runtime: Runtime,
  options: { tokenId: string },
  context?: RequestContext,
): Promise<void> {
  if (!(await runtime.store.operatorTokens.revoke(options.tokenId, runtime.now()))) {
    throw new LatchkeyError('invalid_request', 'no active operator token with that id');
  }
  await recordEvent(runtime, context, {
    type: 'operator_token.revoked',
    appId: null,
    data: { tokenId: options.tokenId },
  });
}

/**
 * The stored operator token a presented one names, when its secret matches and it is not revoked;
 * null otherwise. The caller cannot tell which check failed, by design.
 */
export async function verifyOperatorToken(
  runtime: Runtime,
  token: string,
): Promise<OperatorTokenRecord | null> {
  const parsed = parseKey('operatorToken', token);
  const record = parsed ? await runtime.store.operatorTokens.findById(parsed.id) : null;
  // Compare even when no row was found, so that a miss costs what a hit costs.
  const matches = sameHash(
    sha256Hex(parsed?.secret ?? ''),
    record?.secretHash ?? sha256Hex('\u0000'),
  );
  if (!record || !matches || record.revokedAt !== null) return null;
  const now = runtime.now();
  // Minute precision: "is this token still in use?" needs no write per request.
  if (record.lastUsedAt === null || now - record.lastUsedAt > 60_000) {
    await runtime.store.operatorTokens.touch(record.id, now);
  }
  return record;
}
