/**
 * The ceremony record and its port: one WebAuthn challenge issued by any product, burnt on first
 * use. What a ceremony answers for is its binding, so that one table, one port and one burn serve
 * flex sign-in, registration and the actions surface's step-up alike.
 */
import type { CredentialRecord } from '../credentials/credential-port.ts';
import type { RecoveryMode } from '../recovery/recovery-mode.ts';

export const CEREMONY_KINDS = ['register', 'authenticate'] as const;
export type CeremonyKind = (typeof CEREMONY_KINDS)[number];

/**
 * What a ceremony is bound to: a flex transaction of the app's backend, an action of the actions
 * surface, or nothing (a discoverable flex sign-in, where the credential decides the user).
 */
export const CEREMONY_BINDING_TYPES = ['transaction', 'action', 'none'] as const;
export type CeremonyBindingType = (typeof CEREMONY_BINDING_TYPES)[number];

/** A ceremony's binding, with the facts a finish checks it against. */
export type CeremonyBinding =
  | { type: 'transaction'; transactionId: string }
  | {
      type: 'action';
      /** The tracked action; null for a passkey sign-in, whose action is made on success. */
      actionId: string | null;
      actionCode: string;
      /** The action's attributes hash when the challenge was issued (the challenge commits to it). */
      attributesHash: string | null;
    }
  | { type: 'none' };

export interface CeremonyRecord {
  id: string;
  appId: string;
  kind: CeremonyKind;
  /** base64url challenge exactly as sent in the options. */
  challenge: string;
  /** The user the ceremony is bound to; null for a discoverable sign-in. */
  userId: string | null;
  binding: CeremonyBinding;
  /** Whether user verification is required for this ceremony's response. */
  userVerificationRequired: boolean;
  /**
   * Whether this is a conditional create (an automatic passkey upgrade the app's backend asked
   * for): the one ceremony whose response may come without user presence (WebAuthn L3 §5.1.3).
   */
  conditional: boolean;
  /**
   * A registration that recovers the user's account, copied from its transaction: its finish
   * stores the passkey as a recovery does (revoking the others where asked). Null otherwise.
   */
  recovery: RecoveryMode | null;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

export interface CeremoniesPort {
  insert(ceremony: CeremonyRecord): Promise<void>;
  /** Reads a ceremony of the app without consuming it (null when unknown or consumed). */
  findUnconsumed(appId: string, id: string): Promise<CeremonyRecord | null>;
  /**
   * Burns the ceremony: marks it consumed if it belongs to the app, is of one of `bindings` and was
   * not consumed before. Returns the ceremony as it was stored (expired or not: the caller decides),
   * or null if it was unknown, of another app or another binding, or already consumed. A finish of
   * one product thus cannot burn, nor even see, another product's ceremony.
   */
  consume(
    appId: string,
    id: string,
    at: number,
    bindings: readonly CeremonyBindingType[],
  ): Promise<CeremonyRecord | null>;
  /**
   * Burns as `consume` does and, when it wins, finds the app's credential with `credentialId` (the
   * one an assertion names) with it: one statement where the database allows. Nothing is read
   * unless the ceremony was burnt here.
   */
  consumeWithCredential(
    appId: string,
    id: string,
    at: number,
    bindings: readonly CeremonyBindingType[],
    credentialId: string,
  ): Promise<{ ceremony: CeremonyRecord; credential: CredentialRecord | null } | null>;
}
