import type { AppRecord } from '../apps/app-port.ts';
import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import type { RecoveryMode } from '../recovery/recovery-mode.ts';
import { newId, type Runtime } from '../runtime.ts';
import { bindingFacts } from './ceremony-audit.ts';
import type { CeremonyBinding, CeremonyKind, CeremonyRecord } from './ceremony-port.ts';

/** The ceremony's lifetime beyond the browser's timeout, for the round trip. */
export const CEREMONY_MARGIN_SECONDS = 30;

/** Options for {@link issueCeremony}. */
export interface IssueCeremonyOptions {
  app: AppRecord;
  kind: CeremonyKind;
  challenge: string;
  userId: string | null;
  binding: CeremonyBinding;
  userVerificationRequired: boolean;
  /** A conditional create (automatic passkey upgrade); only a register ceremony can be one. */
  conditional?: boolean;
  /** An account recovery's registration, and its choice; only a register ceremony can be one. */
  recovery?: RecoveryMode | null;
}

/**
 * Stores a new ceremony of any binding, living the app's WebAuthn timeout plus a margin, and
 * records `ceremony.started` naming the binding. Every product starts its ceremonies here.
 *
 * @example
 * const ceremony = await issueCeremony(runtime, { app, kind: 'authenticate', challenge, userId: null, binding: { type: 'none' }, userVerificationRequired: false });
 */
export async function issueCeremony(
  runtime: Runtime,
  options: IssueCeremonyOptions,
  context?: RequestContext,
): Promise<CeremonyRecord> {
  const now = runtime.now();
  const { app } = options;
  const ceremony: CeremonyRecord = {
    id: newId(runtime),
    appId: app.id,
    kind: options.kind,
    challenge: options.challenge,
    userId: options.userId,
    binding: options.binding,
    userVerificationRequired: options.userVerificationRequired,
    conditional: options.kind === 'register' && options.conditional === true,
    recovery: options.kind === 'register' ? (options.recovery ?? null) : null,
    expiresAt: now + (app.policy.ceremonyTtlSeconds + CEREMONY_MARGIN_SECONDS) * 1000,
    consumedAt: null,
    createdAt: now,
  };
  await runtime.store.ceremonies.insert(ceremony);
  await recordEvent(runtime, context, {
    type: 'ceremony.started',
    appId: app.id,
    userId: options.userId,
    data: {
      kind: options.kind,
      ceremonyId: ceremony.id,
      ...bindingFacts(options.binding),
      ...(options.kind === 'authenticate' ? { discoverable: options.userId === null } : {}),
      ...(ceremony.conditional ? { upgrade: true } : {}),
      ...(ceremony.recovery ? { recovery: true } : {}),
    },
  });
  return ceremony;
}
