import type { RequestContext } from '../audit/record-event.ts';
import { recordEvent } from '../audit/record-event.ts';
import { isLatchkeyError } from '../errors.ts';
import type { CeremonyKind } from '../ports.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Runs a ceremony finish and records `ceremony.failed`, with the check that refused it, when it
 * throws. The error is rethrown unchanged.
 */
export async function auditFailures<T>(
  runtime: Runtime,
  context: RequestContext | undefined,
  facts: { appId: string; kind: CeremonyKind; ceremonyId: string },
  run: (note: (facts: { userId?: string; credentialId?: string }) => void) => Promise<T>,
): Promise<T> {
  const known: { userId?: string; credentialId?: string } = {};
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
        data: { kind: facts.kind, ceremonyId: facts.ceremonyId, code: error.code },
      });
    }
    throw error;
  }
}
