/**
 * The PRF extension (WebAuthn L3 §10.1.4) in the page. The salts are the page's and never leave
 * it: they are merged into the options here, after the server sent them, and the outputs are taken
 * out of the response before it goes to the server, which learns only `prf.enabled`.
 */
import { base64URLStringToBuffer, bufferToBase64URLString } from '@simplewebauthn/browser';
import { LatchkeyError } from './latchkey-error.ts';

/** The salts to evaluate, base64url: `first`, and optionally `second` (for key rotation). */
export interface PrfSalts {
  first: string;
  second?: string;
}

/** What the page gets back from a ceremony that asked for PRF. */
export interface PrfOutput {
  /**
   * Whether the credential has PRF enabled. Reported by browsers at registration; at sign-in,
   * true whenever results came back.
   */
  enabled: boolean;
  /** The PRF outputs for the salts (32 bytes each, base64url), or null when none came back. */
  results: { first: string; second?: string } | null;
}

/** A passkey ceremony's outcome when PRF was asked for: the nonce, and the PRF output. */
export interface PasskeyResult {
  nonce: string;
  prf: PrfOutput;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function salt(value: unknown, name: string): ArrayBuffer {
  if (typeof value !== 'string' || !B64URL.test(value)) {
    throw new LatchkeyError('invalid_request', `prf.${name} must be a non-empty base64url string`);
  }
  return base64URLStringToBuffer(value);
}

/**
 * Merges the PRF request into the options the server sent: `extensions.prf.eval` with the salts as
 * bytes (the browser's form, which the JSON options cannot carry).
 */
export function withPrfSalts<T extends { extensions?: object }>(
  options: T,
  salts: PrfSalts | undefined,
): T {
  if (salts === undefined) return options;
  if (typeof salts !== 'object' || salts === null) {
    throw new LatchkeyError('invalid_request', 'prf must be an object with a first salt');
  }
  const evaluation: Record<string, ArrayBuffer> = { first: salt(salts.first, 'first') };
  if (salts.second !== undefined) evaluation.second = salt(salts.second, 'second');
  return { ...options, extensions: { ...options.extensions, prf: { eval: evaluation } } };
}

/**
 * Takes the PRF output out of a response: what the page gets, and the response as the server may
 * see it (with `prf.enabled` only).
 */
export function takePrfOutput<R extends { clientExtensionResults: object }>(
  response: R,
): { response: R; prf: PrfOutput } {
  const { prf, ...rest } = response.clientExtensionResults as {
    prf?: { enabled?: unknown; results?: { first?: unknown; second?: unknown } };
  };
  const first = prf?.results?.first;
  const second = prf?.results?.second;
  const results =
    first instanceof ArrayBuffer || ArrayBuffer.isView(first)
      ? {
          first: encode(first),
          ...(second instanceof ArrayBuffer || ArrayBuffer.isView(second)
            ? { second: encode(second) }
            : {}),
        }
      : null;
  const enabled = prf?.enabled === true || results !== null;
  const reported = prf?.enabled === true ? { prf: { enabled: true } } : {};
  return {
    response: { ...response, clientExtensionResults: { ...rest, ...reported } },
    prf: { enabled, results },
  };
}

function encode(bytes: ArrayBuffer | ArrayBufferView): string {
  const buffer =
    bytes instanceof ArrayBuffer
      ? bytes
      : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return bufferToBase64URLString(buffer);
}
