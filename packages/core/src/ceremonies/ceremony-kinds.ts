/** The two kinds of WebAuthn ceremony: making a passkey, and using one. */
export const CEREMONY_KINDS = ['register', 'authenticate'] as const;
export type CeremonyKind = (typeof CEREMONY_KINDS)[number];
