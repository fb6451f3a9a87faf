import { api, query } from '../api.ts';
import { describeEvent } from '../audit/event-sentence.ts';
import { when, whenParts } from '../format.ts';
import type { AuditEvent } from '../types.ts';
import { useData } from '../use-data.ts';
import { Notice } from './notice.tsx';

/** The events that change which passkeys a user holds. */
const HISTORY_TYPES = [
  'credential.registered',
  'credential.revoked',
  'recovery.started',
  'recovery.completed',
] as const;

/** How many of them the user's page shows; the audit timeline has the rest. */
const HISTORY_LIMIT = 20;

/**
 * A user's passkey history, newest first: passkeys added and revoked, and account recoveries (with
 * the passkeys a recovery revoked), as the audit timeline words them. `version` changes whenever
 * the page changed the user's passkeys, to load it again.
 */
export function PasskeyHistory(props: { appId: string; userId: string; version: number }) {
  const search = query({
    app_id: props.appId,
    user_id: props.userId,
    type: HISTORY_TYPES.join(','),
    limit: HISTORY_LIMIT,
  });
  const { data, error } = useData(
    () => api<{ events: AuditEvent[] }>('GET', `/audit${search}`),
    [search, props.version],
  );
  return (
    <section aria-labelledby="passkey-history">
      <h2 id="passkey-history">Passkey history</h2>
      {error && <Notice kind="error">{error}</Notice>}
      {data?.events.length === 0 && <p class="muted">No passkey was added or revoked yet.</p>}
      {data && data.events.length > 0 && (
        <ol class="timeline">
          {data.events.map((e) => {
            const sentence = describeEvent(e);
            return (
              <li key={e.id} class={`timeline-item tl-${sentence.tone}`} data-type={e.type}>
                <div class="timeline-time" title={when(e.at)}>
                  {whenParts(e.at).date}
                </div>
                <div class="timeline-body">
                  <p class="timeline-sentence">{sentence.text}</p>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
