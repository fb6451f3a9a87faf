/**
 * Password hashing with scrypt from `node:crypto`: a random salt per user, a constant-time
 * comparison, and the same work for unknown accounts so that timing does not reveal which emails
 * exist.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 64;
/** OWASP's scrypt baseline (N=2^17, r=8, p=1) costs ~0.3 s here; 2^15 keeps sign-in snappy. */
const PARAMS: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** A stored password: the scrypt output and its salt, both base64url. */
export interface PasswordHash {
  hash: string;
  salt: string;
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, PARAMS, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password with a fresh 16-byte salt.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return { hash: key.toString('base64url'), salt: salt.toString('base64url') };
}

/** Work done for an unknown email, so that it takes as long as a wrong password. */
const DECOY: PasswordHash = {
  hash: Buffer.alloc(KEY_LENGTH).toString('base64url'),
  salt: Buffer.alloc(16).toString('base64url'),
};

/**
 * Whether `password` matches `stored`. With `stored` null (no such account) it does the same work
 * and answers false.
 *
 * @example
 * if (!(await verifyPassword(form.password, user?.password ?? null))) reply.code(401);
 */
export async function verifyPassword(
  password: string,
  stored: PasswordHash | null,
): Promise<boolean> {
  const target = stored ?? DECOY;
  const expected = Buffer.from(target.hash, 'base64url');
  const actual = await derive(password, Buffer.from(target.salt, 'base64url'));
  return stored !== null && expected.length === actual.length && timingSafeEqual(expected, actual);
}
