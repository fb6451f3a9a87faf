import { useState } from 'preact/hooks';
import { api, apiText, query } from '../api.ts';
import { describeEvent } from '../audit/event-sentence.ts';
import { explainFailure } from '../audit/failure-help.ts';
import { Notice } from '../components/notice.tsx';
import { saveAsFile } from '../download.ts';
import { navigate } from '../router.ts';
import type { App, AuditEvent, Vocabulary } from '../types.ts';
import { useData } from '../use-data.ts';

/** A datetime-local value as an ISO instant, or empty. */
function toIso(local: string): string {
  return local ? new Date(local).toISOString() : '';
}

/**
 * The audit log of an app as a timeline of sentences, filtered by user (external id, or any part
 * of the display name), event type and time; the raw event under each; JSON-lines export.
 */
export function AuditPage(props: { app: App; params: URLSearchParams; vocabulary: Vocabulary }) {
  const filters = {
    external_id: props.params.get('external_id') ?? '',
    user: props.params.get('user') ?? '',
    type: props.params.get('type') ?? '',
    since: props.params.get('since') ?? '',
    until: props.params.get('until') ?? '',
  };
  const [form, setForm] = useState(filters);
  const search = query({
    app_id: props.app.app_id,
    external_id: filters.external_id,
    user: filters.user,
    type: filters.type,
    since: toIso(filters.since),
    until: toIso(filters.until),
    limit: 500,
  });
  const { data, error, loading } = useData(
    () => api<{ events: AuditEvent[] }>('GET', `/audit${search}`),
    [search],
  );
  const state = { events: loading && !data ? null : (data?.events ?? []), error };
  const byDay = new Map<string, AuditEvent[]>();
  for (const event of state.events ?? []) {
    const day = new Date(event.at).toLocaleDateString(undefined, { dateStyle: 'full' });
    byDay.set(day, [...(byDay.get(day) ?? []), event]);
  }
  return (
    <section>
      <hgroup>
        <h1>Audit timeline</h1>
        <p>Every security-relevant fact, newest first. Changes made here name the operator.</p>
      </hgroup>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(['apps', props.app.app_id, 'audit'], form);
        }}
      >
        <label>
          User
          <input
            name="user"
            type="search"
            placeholder="id or name"
            value={form.user || form.external_id}
            onInput={(e) => setForm({ ...form, user: e.currentTarget.value, external_id: '' })}
          />
        </label>
        <label>
          Event type
          <select
            name="type"
            value={form.type}
            onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}
          >
            <option value="">all events</option>
            {props.vocabulary.audit_event_types.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          From
          <input
            type="datetime-local"
            value={form.since}
            onInput={(e) => setForm({ ...form, since: e.currentTarget.value })}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            value={form.until}
            onInput={(e) => setForm({ ...form, until: e.currentTarget.value })}
          />
        </label>
        <button type="submit">Filter</button>
        <button
          type="button"
          class="secondary outline"
          onClick={async () => {
            const text = await apiText(`/audit/export${search}`);
            saveAsFile(text, `latchkey-audit-${props.app.app_id}.jsonl`, 'application/x-ndjson');
          }}
        >
          Export JSON lines
        </button>
      </form>
      {state.error && <Notice kind="error">{state.error}</Notice>}
      {state.events === null && <p aria-busy="true">Loading…</p>}
      {state.events?.length === 0 && !state.error && <p class="muted">No events match.</p>}
      {[...byDay.entries()].map(([day, events]) => (
        <section class="timeline-day" key={day}>
          <h2 class="timeline-date">{day}</h2>
          <ol class="timeline">
            {events.map((e) => {
              const sentence = describeEvent(e);
              return (
                <li key={e.id} class={`timeline-item tl-${sentence.tone}`} data-type={e.type}>
                  <div class="timeline-time">{new Date(e.at).toLocaleTimeString()}</div>
                  <div class="timeline-body">
                    <p class="timeline-sentence">{sentence.text}</p>
                    <details>
                      <summary>
                        <code>{e.type}</code>
                        {e.reason && (
                          <span title={explainFailure(e.reason)}>
                            {' · '}
                            {e.reason}
                          </span>
                        )}
                      </summary>
                      <pre>{JSON.stringify({ ...e, at: undefined }, null, 2)}</pre>
                    </details>
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </section>
  );
}
