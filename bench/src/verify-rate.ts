/** The floor's signature check: raw `crypto.verify` of ES256 assertions, on this process's core. */
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

/**
 * ES256 verifications a second, over prebuilt signatures of assertion-shaped messages (37 bytes of
 * authenticator data and a 32-byte client data hash), for about `seconds`.
 *
 * @example
 * const perSecond = measureVerifyRate(1);
 */
export function measureVerifyRate(seconds: number): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const samples = Array.from({ length: 64 }, () => {
    const message = Buffer.concat([
      randomBytes(37),
      createHash('sha256').update(randomBytes(100)).digest(),
    ]);
    return { message, signature: sign('sha256', message, { key: privateKey, dsaEncoding: 'der' }) };
  });
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (const sample of samples) {
      if (
        !verify('sha256', sample.message, { key: publicKey, dsaEncoding: 'der' }, sample.signature)
      ) {
        throw new Error('a valid signature did not verify');
      }
    }
    count += samples.length;
  }
  return count / ((performance.now() - started) / 1000);
}
