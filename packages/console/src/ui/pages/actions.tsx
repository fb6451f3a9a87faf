import { useState } from 'preact/hooks';
import { api, apiPath } from '../api.ts';
import { Badge, Notice } from '../components/notice.tsx';
import { unitOf } from '../components/units.ts';
import { when } from '../format.ts';
import { href, navigate } from '../router.ts';
import { stateTone } from '../tone.ts';
import type { Action, App, Vocabulary } from '../types.ts';
import { useData } from '../use-data.ts';

/** An action's custom attributes, one a line, amounts with their unit read. */
function CustomAttributes(props: { values: unknown }) {
  const entries = Object.entries((props.values ?? {}) as Record<string, unknown>);
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <dl class="attributes">
      {entries.map(([name, value]) => {
        const unit = unitOf(`custom.${name}`);
        const reading = unit?.read(String(value)) ?? null;
        return (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              {JSON.stringify(value)}
              {unit && (
                <span class="muted">
                  {' '}
                  {unit.name}
                  {reading && ` ${reading}`}
                </span>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** Tracked actions, filtered by user, action code and state. */
export function ActionsPage(props: { app: App; params: URLSearchParams; vocabulary: Vocabulary }) {
  const filters = {
    external_id: props.params.get('external_id') ?? '',
    action_code: props.params.get('action_code') ?? '',
    state: props.params.get('state') ?? '',
  };
  const [form, setForm] = useState(filters);
  const path = apiPath(['apps', props.app.app_id, 'actions'], { ...filters, limit: 200 });
  const { data, error } = useData(() => api<{ actions: Action[] }>('GET', path), [path]);
  return (
    <section>
      <hgroup>
        <h1>Actions</h1>
        <p>Every tracked action, newest first, with the rules that decided it.</p>
      </hgroup>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(['apps', props.app.app_id, 'actions'], form);
        }}
      >
        <label>
          User (external id)
          <input
            value={form.external_id}
            onInput={(e) => setForm({ ...form, external_id: e.currentTarget.value })}
          />
        </label>
        <label>
          Action code
          <input
            value={form.action_code}
            onInput={(e) => setForm({ ...form, action_code: e.currentTarget.value })}
          />
        </label>
        <label>
          State
          <select
            value={form.state}
            onChange={(e) => setForm({ ...form, state: e.currentTarget.value })}
          >
            <option value="">any</option>
            {props.vocabulary.action_states.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {data && (
        <article>
          {data.actions.length === 0 ? (
            <p class="muted">No actions match.</p>
          ) : (
            <div class="table-scroll">
              <table class="striped">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">User</th>
                    <th scope="col">Action</th>
                    <th scope="col">State</th>
                    <th scope="col">Rules fired</th>
                    <th scope="col">Attributes</th>
                  </tr>
                </thead>
                <tbody>
                  {data.actions.map((a) => (
                    <tr key={a.action_id}>
                      <td class="when">{when(a.created_at)}</td>
                      <td>
                        {a.user ? (
                          <>
                            <a href={href(['apps', props.app.app_id, 'users', a.user.user_id])}>
                              {a.user.external_id}
                            </a>
                            {a.user.display_name && a.user.display_name !== a.user.external_id && (
                              <>
                                <br />
                                <small class="muted">{a.user.display_name}</small>
                              </>
                            )}
                          </>
                        ) : (
                          <span class="muted" title={a.user_id}>
                            deleted user
                          </span>
                        )}
                      </td>
                      <td>
                        <strong>{a.action_code}</strong>
                        <br />
                        <small class="muted mono break">{a.idempotency_key}</small>
                      </td>
                      <td>
                        <Badge tone={stateTone(a.state)}>{a.state}</Badge>
                      </td>
                      <td>
                        {a.rules.map((r) => r.name).join(', ') || (
                          <span class="muted">default</span>
                        )}
                      </td>
                      <td>
                        <CustomAttributes values={a.attributes.custom} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
      )}
    </section>
  );
}
