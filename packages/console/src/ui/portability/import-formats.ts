/**
 * The file formats an import reads, as `?format=` names them, with what the console says of each.
 * The server's list is the authority: the e2e test of the page checks this one against the admin
 * API's OpenAPI document.
 */
export const IMPORT_FORMATS = ['latchkey', 'authelia', 'simplewebauthn'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** How the console names a format, the media type its file is sent as, and the files it offers. */
export interface ImportFormatDetails {
  label: string;
  /** Where such a file comes from, for the hint under the picker. */
  hint: string;
  mediaType: string;
  /** File name endings the picker offers first. */
  extensions: readonly string[];
}

/** Every format's details; the type makes a format without a row a compile error. */
export const IMPORT_FORMAT_DETAILS: Record<ImportFormat, ImportFormatDetails> = {
  latchkey: {
    label: 'latchkey export',
    hint: 'An export from this console, the admin API or latchkey export (NDJSON, a header line first).',
    mediaType: 'application/x-ndjson',
    extensions: ['.ndjson', '.jsonl'],
  },
  authelia: {
    label: 'Authelia',
    hint: 'authelia.export.webauthn.yml, from authelia storage user webauthn export (YAML or JSON).',
    mediaType: 'application/yaml',
    extensions: ['.yml', '.yaml'],
  },
  simplewebauthn: {
    label: 'SimpleWebAuthn records',
    hint: 'A JSON list (or one object a line) of @simplewebauthn/server passkey records; Better Auth’s passkey table reads the same way.',
    mediaType: 'application/json',
    extensions: ['.json'],
  },
};

/**
 * The format a file's name points to, or null when its ending says nothing certain (a `.json`
 * file may be records or Authelia's JSON form, so it keeps whatever the operator chose).
 *
 * @example
 * formatForFileName('authelia.export.webauthn.yml'); // 'authelia'
 */
export function formatForFileName(name: string): ImportFormat | null {
  const lower = name.toLowerCase();
  for (const format of ['latchkey', 'authelia'] as const) {
    if (IMPORT_FORMAT_DETAILS[format].extensions.some((end) => lower.endsWith(end))) return format;
  }
  return null;
}
