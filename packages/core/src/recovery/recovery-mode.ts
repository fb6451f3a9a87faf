/**
 * What makes a register transaction (and the ceremony it starts) an account recovery. The app's
 * backend asks for one after it has proved, by its own means, that the person is its user; the
 * choice travels from the transaction to the ceremony, and the finish acts on it.
 */

/**
 * A recovery registration's choice.
 *
 * @example
 * const mode: RecoveryMode = { revokeOtherPasskeys: true };
 */
export interface RecoveryMode {
  /**
   * Whether completing the recovery revokes every other passkey of the user, in the same database
   * transaction that stores the new one. True by default: the lost passkey may be in someone
   * else's hands, and a recovery that leaves it working recovers nothing.
   */
  revokeOtherPasskeys: boolean;
}
