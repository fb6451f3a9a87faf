/** Export and import of an app's users and passkeys. */
export { readAutheliaExport } from './authelia-format.ts';
export { TRANSPORTS } from './check-entry.ts';
export { type ExportPasskeysOptions, exportPasskeys } from './export-passkeys.ts';
export type { RawEntry, RawPasskey, UnreadableEntry } from './import-entry.ts';
export {
  DEFAULT_IMPORT_BATCH,
  type ImportPasskeysOptions,
  type ImportReport,
  type ImportSkip,
  importPasskeys,
  REPORTED_SKIPS,
} from './import-passkeys.ts';
export { IMPORT_PROBLEMS, type ImportProblem } from './import-problems.ts';
export {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportedPasskey,
  type ExportedUser,
  type ExportHeader,
  readLatchkeyExport,
} from './latchkey-format.ts';
export { readSimpleWebAuthnRecords } from './simplewebauthn-format.ts';
