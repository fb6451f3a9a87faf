/**
 * Authelia's WebAuthn export (`authelia storage user webauthn export`): a YAML (or JSON) document
 * `{ webauthn_credentials: [...] }`, one item per credential with `username`, `rpid`, `kid`
 * (the credential id, standard base64), `public_key` (the COSE key, standard base64), `sign_count`,
 * `backup_eligible`, `backup_state`, `aaguid`, `transports`, `attachment`, `description`,
 * `created_at`, `last_used_at` and `clone_warning`. The caller parses the YAML; this maps the
 * document. Authelia's export carries no WebAuthn user handle and no display name: see
 * docs/portability.md for what that means.
 */

import { toBase64UrlText } from './base64.ts';
import type { RawEntry, RawPasskey, UnreadableEntry } from './import-entry.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Raw entries of an Authelia export document, one per username (in the order each first
 * appears), each entry numbered by its first credential's position in the list.
 *
 * @example
 * const entries = readAutheliaExport(YAML.parse(text));
 */
export function readAutheliaExport(document: unknown): (RawEntry | UnreadableEntry)[] {
  const list = isObject(document) ? document.webauthn_credentials : undefined;
  if (!Array.isArray(list)) {
    return [{ at: 1, unreadable: 'the document has no webauthn_credentials list' }];
  }
  const byUser = new Map<string, RawEntry>();
  const out: (RawEntry | UnreadableEntry)[] = [];
  list.forEach((item, index) => {
    const at = index + 1;
    if (!isObject(item) || typeof item.username !== 'string') {
      out.push({ at, unreadable: 'a credential without a username' });
      return;
    }
    const passkey: RawPasskey = {
      credentialId: toBase64UrlText(item.kid),
      publicKey: toBase64UrlText(item.public_key),
      counter: item.sign_count,
      backupEligible: item.backup_eligible,
      backupState: item.backup_state,
      aaguid: item.aaguid ?? undefined,
      transports: item.transports ?? undefined,
      // Authelia writes an empty string for an unknown attachment.
      attachment: item.attachment === '' ? undefined : item.attachment,
      name: item.description,
      createdAt: item.created_at,
      lastUsedAt: item.last_used_at,
      rpId: item.rpid,
      cloneWarning: item.clone_warning,
    };
    let entry = byUser.get(item.username);
    if (!entry) {
      entry = { at, externalId: item.username, passkeys: [] };
      byUser.set(item.username, entry);
      out.push(entry);
    }
    (entry.passkeys as RawPasskey[]).push(passkey);
  });
  return out;
}
