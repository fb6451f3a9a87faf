import type { Runtime } from '../runtime.ts';

/** How an operator proved who they are. */
export const OPERATOR_CREDENTIAL_KINDS = ['token', 'session', 'env'] as const;
export type OperatorCredentialKind = (typeof OPERATOR_CREDENTIAL_KINDS)[number];

/** The operator token id `LATCHKEY_ADMIN_TOKEN` is known by in the audit log. */
export const ENV_TOKEN_ID = 'env';

/** Who is calling the admin API: the operator token behind the request, however presented. */
export interface OperatorActor {
  /** The operator token's id, or `env` for `LATCHKEY_ADMIN_TOKEN`. */
  tokenId: string;
  /** The token's name, for display. */
  name: string;
  via: OperatorCredentialKind;
  /** When a console session ends; null for a token presented directly. */
  sessionExpiresAt: number | null;
}

/**
 * The runtime an admin request runs the core with: the same store, clock and observers, except
 * that every audit event it appends names the operator (`data.actor`). The core's own functions
 * (apps, keys, devices, rules) thereby record who made each change without knowing operators exist.
 *
 * @example
 * await createApp(actingAs(runtime, actor), { name: 'Bank', origins: ['https://bank.example'] });
 */
export function actingAs(runtime: Runtime, actor: OperatorActor): Runtime {
  const { audit } = runtime.store;
  return {
    ...runtime,
    store: {
      ...runtime.store,
      audit: {
        list: (options) => audit.list(options),
        append: (event) =>
          audit.append({ ...event, data: { ...event.data, actor: actor.tokenId } }),
      },
    },
  };
}
