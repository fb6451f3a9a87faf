/**
 * Writes a latchkey export of N synthetic users with one passkey each, to measure a large import
 * (docs/portability.md gives the command and the figures). Keys come from a pool of real ES256
 * keys, so every passkey passes the same checks a real one does; credential ids and user handles
 * are all distinct.
 *
 * `node --import tsx bench/src/portability-file.ts --users 1000000 --rp-id bank.example > big.ndjson`
 */
import { once } from 'node:events';
import { encodeCOSEPublicKey, generateCredentialKeyPair } from '@latchkey/authenticator';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const users = Number(flag('users', '1000000'));
const rpId = flag('rp-id', 'bank.example');
const keys = Array.from({ length: 256 }, () => {
  const { publicKey } = generateCredentialKeyPair('ES256');
  return Buffer.from(encodeCOSEPublicKey({ publicKey, algorithm: 'ES256' })).toString('base64url');
});

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

const created = '2026-01-01T00:00:00.000Z';
await write(
  `${JSON.stringify({ format: 'latchkey.passkeys', version: 1, rpId, appId: 'synthetic', exportedAt: created })}\n`,
);
for (let i = 0; i < users; i++) {
  const id = Buffer.alloc(16);
  id.writeUInt32BE(i, 12);
  const line = {
    externalId: `user-${i}`,
    displayName: `User ${i}`,
    userHandle: Buffer.concat([Buffer.from('handle'), id]).toString('base64url'),
    createdAt: created,
    lastLoginAt: null,
    loginCount: 0,
    passkeys: [
      {
        credentialId: Buffer.concat([Buffer.from('credential'), id]).toString('base64url'),
        publicKey: keys[i % keys.length],
        algorithm: -7,
        counter: i % 100,
        backupEligible: i % 2 === 0,
        backupState: i % 4 === 0,
        aaguid: '00000000-0000-0000-0000-000000000000',
        transports: ['internal', 'hybrid'],
        attachment: 'platform',
        type: i % 2 === 0 ? 'passkey' : 'platform',
        name: 'Passkey',
        createdAt: created,
        lastUsedAt: null,
        usageCount: 0,
      },
    ],
  };
  await write(`${JSON.stringify(line)}\n`);
}
