/**
 * The store port, whole: everything the domain core asks of persistence, and nothing more. Records are
 * plain data (times are epoch milliseconds, binary values base64url strings), free of any driver's
 * types. Every adapter passes the same contract suite (`@latchkey/store`'s `storeContract`).
 *
 * Lookups return `null` when absent. A single-use consumption is one atomic statement whose result
 * says whether this caller won; nothing here reads-then-writes.
 */
import type { ActionConfigsPort, ActionsPort } from './actions/action-port.ts';
import type { StepUpTokensPort } from './actions/step-up-token-port.ts';
import type { AdminQueriesPort } from './admin/admin-queries-port.ts';
import type { OperatorSessionsPort, OperatorTokensPort } from './admin/operator-port.ts';
import type { ApiKeysPort, AppsPort } from './apps/app-port.ts';
import type { AuditPort } from './audit/audit-port.ts';
import type { AuthenticatorMetadataPort } from './authenticators/metadata-port.ts';
import type { CeremoniesPort } from './ceremonies/ceremony-port.ts';
import type { CredentialsPort } from './credentials/credential-port.ts';
import type { NoncesPort } from './nonces/nonce-port.ts';
import type { PortabilityPort } from './portability/portability-port.ts';
import type { SigningKeysPort } from './session-tokens/signing-key-port.ts';
import type { TransactionsPort } from './transactions/transaction-port.ts';
import type { UsersPort } from './users/user-port.ts';
import type { WebhooksPort } from './webhooks/webhook-port.ts';

/** The whole store, as the core sees it. */
export interface Store {
  apps: AppsPort;
  apiKeys: ApiKeysPort;
  users: UsersPort;
  credentials: CredentialsPort;
  ceremonies: CeremoniesPort;
  transactions: TransactionsPort;
  nonces: NoncesPort;
  audit: AuditPort;
  actionConfigs: ActionConfigsPort;
  actions: ActionsPort;
  stepUpTokens: StepUpTokensPort;
  operatorTokens: OperatorTokensPort;
  operatorSessions: OperatorSessionsPort;
  adminQueries: AdminQueriesPort;
  signingKeys: SigningKeysPort;
  webhooks: WebhooksPort;
  authenticatorMetadata: AuthenticatorMetadataPort;
  portability: PortabilityPort;
  /** Whether the database answers; used by readiness checks. */
  ping(): Promise<boolean>;
  /**
   * A mark to take before writing, for {@link Store.flush}: it names the first group of writes
   * (commit) that may hold what the caller writes from now on.
   */
  mark(): number;
  /**
   * Resolves once every write made so far is durable; rejects if committing it failed. A store may
   * defer commits to group them (SQLite, within one event-loop turn; PostgreSQL holds the inserts
   * nobody waits for): the server waits for this before answering any request, so nothing is
   * acknowledged before it is stored. With `since` (a {@link Store.mark}), it also rejects when
   * any group of writes from that mark on failed, even one that failed before this call.
   */
  flush(since?: number): Promise<void>;
  close(): Promise<void>;
}
