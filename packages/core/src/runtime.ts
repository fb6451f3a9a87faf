/**
 * What the core takes from the outside world besides the store: the clock and randomness, injected
 * so that tests can freeze time and seed ids.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditFacts } from './audit/record-event.ts';
import type { Store } from './ports.ts';

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

/**
 * The runtime with the real clock and `crypto.randomBytes` unless given others.
 *
 * @example
 * const runtime = createRuntime({ store, now: () => Date.parse('2026-01-01T00:00:00Z') });
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  return {
    store: options.store,
    now: options.now ?? Date.now,
    randomBytes: options.randomBytes ?? ((size) => randomBytes(size)),
    observers: new Set(),
  };
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** A random identifier: 16 bytes (128 bits) as base64url, 22 characters. */
export function newId(runtime: Runtime): string {
  return toBase64Url(runtime.randomBytes(16));
}

/** A random secret of 32 bytes (256 bits) as base64url. */
export function newSecret(runtime: Runtime): string {
  return toBase64Url(runtime.randomBytes(32));
}

/** SHA-256 as hex: how secrets (API keys, nonces) are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
