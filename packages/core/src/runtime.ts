/**
 * What the core takes from the outside world besides the store: the clock and randomness, injected
 * so that tests can freeze time and seed ids.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditFacts } from './audit/audit-events.ts';
import type { Store } from './store-port.ts';

/** Sees every audit event once it is recorded (metrics, for one). Must not throw or block. */
export type EventObserver = (facts: Readonly<AuditFacts>) => void;

export interface Runtime {
  store: Store;
  /** Current time, epoch milliseconds. */
  now: () => number;
  /** Cryptographically random bytes. */
  randomBytes: (size: number) => Uint8Array;
  /** Told of every recorded audit event; add to it to observe the core without touching it. */
  observers: Set<EventObserver>;
}

/** Options for {@link createRuntime}. */
export interface RuntimeOptions {
  store: Store;
  now?: () => number;
  randomBytes?: (size: number) => Uint8Array;
}

/** How much randomness is drawn from the system at once. */
const RANDOM_POOL_BYTES = 4096;

/**
 * `crypto.randomBytes`, drawn from a pool refilled 4 KiB at a time: a sign-in takes about ten small
 * draws, each a system call otherwise. Every draw is copied out and never handed out twice.
 */
export function pooledRandomBytes(): (size: number) => Uint8Array {
  let pool = randomBytes(RANDOM_POOL_BYTES);
  let offset = 0;
  return (size) => {
    if (size > RANDOM_POOL_BYTES / 4) return randomBytes(size);
    if (offset + size > pool.length) {
      pool = randomBytes(RANDOM_POOL_BYTES);
      offset = 0;
    }
    const out = Uint8Array.prototype.slice.call(pool, offset, offset + size);
    pool.fill(0, offset, offset + size);
    offset += size;
    return out;
  };
}

/**
 * The runtime with the real clock and pooled `crypto.randomBytes` unless given others.
 *
 * @example
 * const runtime = createRuntime({ store, now: () => Date.parse('2026-01-01T00:00:00Z') });
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  return {
    store: options.store,
    now: options.now ?? Date.now,
    randomBytes: options.randomBytes ?? pooledRandomBytes(),
    observers: new Set(),
  };
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * An identifier: 16 bytes as base64url, 22 characters. The first 6 bytes (8 characters) are the
 * creation time in milliseconds, the other 10 (80 bits) are random. Rows made together thus sit
 * together in their primary-key index (an insert appends to a recent page instead of dirtying a
 * random one, which matters at millions of audit events), while ids stay unguessable. The time
 * prefix also keeps ids from starting with `-`, which command lines would take for an option.
 */
export function newId(runtime: Runtime): string {
  const bytes = new Uint8Array(16);
  let time = Math.max(0, Math.floor(runtime.now()));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(runtime.randomBytes(10), 6);
  return toBase64Url(bytes);
}

/** A random secret of 32 bytes (256 bits) as base64url. */
export function newSecret(runtime: Runtime): string {
  return toBase64Url(runtime.randomBytes(32));
}

/** SHA-256 as hex: how secrets (API keys, nonces) are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
