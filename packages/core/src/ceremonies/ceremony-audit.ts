import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { isLatchkeyError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { CeremonyBinding, CeremonyKind } from './ceremony-port.ts';

/**
 * How a ceremony's events name its binding: `binding` is the binding's type, with the transaction
 * or the action (id and code) where it is bound to one. Every `ceremony.*` event carries these, so
 * one stream tells a flex sign-in from a step-up.
 */
export function bindingFacts(binding: CeremonyBinding): Record<string, unknown> {
  switch (binding.type) {
    case 'transaction':
      return { binding: 'transaction', transactionId: binding.transactionId };
    case 'action':
      return { binding: 'action', actionId: binding.actionId, actionCode: binding.actionCode };
    default:
      return { binding: 'none' };
  }
}

/** What a ceremony finish has learnt so far, for its `ceremony.failed` event. */
export interface CeremonyFacts {
  userId?: string;
  credentialId?: string;
  /** The ceremony's own binding, once it is burnt (until then, what the request claimed). */
  binding?: CeremonyBinding;
  /** Whether the ceremony was an automatic passkey upgrade (a conditional create). */
  upgrade?: boolean;
  /** Whether the ceremony was an account recovery's registration. */
  recovery?: boolean;
}

/**
 * Runs a ceremony finish and records `ceremony.failed`, with the check that refused it and the
 * binding, when it throws. The error is rethrown unchanged.
 */
export async function auditFailures<T>(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: { appId: string; kind: CeremonyKind; ceremonyId: string; binding: CeremonyBinding },
  run: (note: (facts: CeremonyFacts) => void) => Promise<T>,
): Promise<T> {
  const known: CeremonyFacts = {};
  try {
    return await run((more) => Object.assign(known, more));
  } catch (error) {
    if (isLatchkeyError(error) && error.code !== 'app_not_found') {
      await recordEvent(runtime, context, {
        type: 'ceremony.failed',
        appId: facts.appId,
        userId: known.userId ?? null,
        credentialId: known.credentialId ?? null,
        reason: error.reason ?? error.code,
        data: {
          kind: facts.kind,
          ceremonyId: facts.ceremonyId,
          code: error.code,
          ...bindingFacts(known.binding ?? facts.binding),
          ...(known.upgrade ? { upgrade: true } : {}),
          ...(known.recovery ? { recovery: true } : {}),
        },
      });
    }
    throw error;
  }
}

/** Records `ceremony.succeeded` for a ceremony whose response verified and whose outcome is done. */
export async function recordCeremonySucceeded(
  runtime: Runtime,
  context: RequestContext | undefined,
  succeeded: {
    appId: string;
    kind: CeremonyKind;
    ceremonyId: string;
    binding: CeremonyBinding;
    userId: string;
    credentialId: string;
    userVerified?: boolean;
    upgrade?: boolean;
    recovery?: boolean;
  },
): Promise<void> {
  await recordEvent(runtime, context, {
    type: 'ceremony.succeeded',
    appId: succeeded.appId,
    userId: succeeded.userId,
    credentialId: succeeded.credentialId,
    data: {
      kind: succeeded.kind,
      ceremonyId: succeeded.ceremonyId,
      ...bindingFacts(succeeded.binding),
      ...(succeeded.userVerified === undefined ? {} : { userVerified: succeeded.userVerified }),
      ...(succeeded.upgrade ? { upgrade: true } : {}),
      ...(succeeded.recovery ? { recovery: true } : {}),
    },
  });
}
