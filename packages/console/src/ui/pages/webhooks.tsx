import { useState } from 'preact/hooks';
import { api, apiPath } from '../api.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { Badge, Notice } from '../components/notice.tsx';
import { ago, when } from '../format.ts';
import type { App } from '../types.ts';
import { useData } from '../use-data.ts';

/** An endpoint as the admin API lists it (never its secret). */
interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  enabled: boolean;
  events: string[];
  previous_secret_expires_at: string | null;
  created_at: string;
}

/** One event for one endpoint. */
interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_type: string;
  event_at: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

const STATE_TONE = { pending: 'warn', delivered: 'ok', dead: 'bad' } as const;

/**
 * An app's webhooks: add an endpoint (its secret is shown once), turn it off and on, rotate its
 * secret, remove it; the recent deliveries with their state, and a button to send one again.
 */
export function WebhooksPage(props: { app: App }) {
  const base = ['apps', props.app.app_id];
  const endpointsPath = apiPath([...base, 'webhooks']);
  const deliveriesPath = apiPath([...base, 'webhook-deliveries'], { limit: 50 });
  const endpoints = useData(
    () => api<{ endpoints: WebhookEndpoint[]; event_types: string[] }>('GET', endpointsPath),
    [endpointsPath],
  );
  const deliveries = useData(
    () => api<{ deliveries: WebhookDelivery[] }>('GET', deliveriesPath),
    [deliveriesPath],
  );
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);

  const run = async (work: () => Promise<string | null>) => {
    try {
      const text = await work();
      setMessage(text ? { kind: 'success', text } : null);
      await Promise.all([endpoints.reload(), deliveries.reload()]);
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };
  const urlOf = (id: string) => endpoints.data?.endpoints.find((e) => e.id === id)?.url ?? id;

  return (
    <section>
      <hgroup>
        <h1>Webhooks</h1>
        <p>
          latchkey POSTs each event to these URLs, signed as Standard Webhooks specify. Delivery is
          at least once: receivers skip a <code>webhook-id</code> they have already processed.
        </p>
      </hgroup>
      {endpoints.error && <Notice kind="error">{endpoints.error}</Notice>}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {secret && (
        <article class="secret-once">
          <h2>{secret.title}</h2>
          <p>Copy it now: it is shown once. Your receiver verifies signatures with it.</p>
          <code class="secret" data-testid="webhook-secret">
            {secret.value}
          </code>
          <div class="actions-row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(secret.value)}>
              Copy secret
            </button>
            <button type="button" class="secondary" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        </article>
      )}
      <article>
        <h2>Add an endpoint</h2>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void run(async () => {
              const created = await api<{ endpoint: WebhookEndpoint; secret: string }>(
                'POST',
                endpointsPath,
                { url, description, events },
              );
              setSecret({ title: 'Signing secret', value: created.secret });
              setUrl('');
              setDescription('');
              setEvents([]);
              return `Endpoint ${created.endpoint.url} added.`;
            });
          }}
        >
          <label>
            URL
            <input
              type="url"
              name="url"
              required
              placeholder="https://app.example/hooks/latchkey"
              value={url}
              onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Description
            <input
              type="text"
              name="description"
              value={description}
              onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
            />
          </label>
          <fieldset>
            <legend>Events (none checked: all)</legend>
            {endpoints.data?.event_types.map((type) => (
              <label key={type}>
                <input
                  type="checkbox"
                  name="event"
                  value={type}
                  checked={events.includes(type)}
                  onChange={(e) =>
                    setEvents(
                      (e.target as HTMLInputElement).checked
                        ? [...events, type]
                        : events.filter((t) => t !== type),
                    )
                  }
                />
                <span class="mono">{type}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit">Add endpoint</button>
        </form>
      </article>
      <article>
        <h2>Endpoints</h2>
        {endpoints.data && endpoints.data.endpoints.length === 0 && (
          <p class="muted">No endpoints yet.</p>
        )}
        {endpoints.data && endpoints.data.endpoints.length > 0 && (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.endpoints.map((endpoint) => {
                const path = apiPath([...base, 'webhooks', endpoint.id]);
                return (
                  <tr key={endpoint.id} data-endpoint-id={endpoint.id}>
                    <td>
                      <span class="mono">{endpoint.url}</span>
                      {endpoint.description && (
                        <>
                          <br />
                          <small class="muted">{endpoint.description}</small>
                        </>
                      )}
                      {endpoint.previous_secret_expires_at && (
                        <>
                          <br />
                          <small class="muted">
                            old secret signs too until {when(endpoint.previous_secret_expires_at)}
                          </small>
                        </>
                      )}
                    </td>
                    <td class="mono">
                      <small>{endpoint.events.join(', ')}</small>
                    </td>
                    <td>
                      <Badge tone={endpoint.enabled ? 'ok' : 'info'}>
                        {endpoint.enabled ? 'enabled' : 'disabled'}
                      </Badge>
                    </td>
                    <td class="right">
                      <button
                        type="button"
                        class="secondary outline small"
                        onClick={() =>
                          void run(async () => {
                            await api('PATCH', path, { enabled: !endpoint.enabled });
                            return `Endpoint ${endpoint.enabled ? 'disabled' : 'enabled'}.`;
                          })
                        }
                      >
                        {endpoint.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <ConfirmButton
                        label="Rotate secret"
                        confirmLabel="Confirm rotate"
                        onConfirm={() =>
                          run(async () => {
                            const rotated = await api<{ secret: string }>(
                              'POST',
                              apiPath([...base, 'webhooks', endpoint.id, 'rotate-secret']),
                              {},
                            );
                            setSecret({ title: 'New signing secret', value: rotated.secret });
                            return 'Secret rotated; the old one keeps signing for a day.';
                          })
                        }
                      />
                      <ConfirmButton
                        label="Remove"
                        confirmLabel="Confirm remove"
                        onConfirm={() =>
                          run(async () => {
                            await api('DELETE', path);
                            return `Endpoint ${endpoint.url} removed.`;
                          })
                        }
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </article>
      <article>
        <header class="row">
          <h2>Recent deliveries</h2>
          <button
            type="button"
            class="secondary outline small"
            onClick={() => void deliveries.reload()}
          >
            Refresh
          </button>
        </header>
        {deliveries.error && <Notice kind="error">{deliveries.error}</Notice>}
        {deliveries.data && deliveries.data.deliveries.length === 0 && (
          <p class="muted">Nothing delivered yet.</p>
        )}
        {deliveries.data && deliveries.data.deliveries.length > 0 && (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Endpoint</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.deliveries.map((d) => (
                <tr key={d.id} data-delivery-id={d.id}>
                  <td>
                    <span class="mono">{d.event_type}</span>
                    <br />
                    <small class="muted" title={when(d.event_at)}>
                      {ago(d.event_at)}
                    </small>
                  </td>
                  <td class="mono">
                    <small>{urlOf(d.endpoint_id)}</small>
                  </td>
                  <td>
                    <Badge tone={STATE_TONE[d.state]}>{d.state}</Badge>
                    {d.next_attempt_at && (
                      <>
                        <br />
                        <small class="muted">next {when(d.next_attempt_at)}</small>
                      </>
                    )}
                  </td>
                  <td>{d.attempts}</td>
                  <td>
                    <span class="mono">{d.last_status ?? '—'}</span>
                    {d.last_error && (
                      <>
                        <br />
                        <small class="muted">{d.last_error}</small>
                      </>
                    )}
                  </td>
                  <td class="right">
                    <button
                      type="button"
                      class="secondary outline small"
                      onClick={() =>
                        void run(async () => {
                          await api(
                            'POST',
                            apiPath([...base, 'webhook-deliveries', d.id, 'redeliver']),
                          );
                          return `Delivery of ${d.event_type} queued again.`;
                        })
                      }
                    >
                      Redeliver
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </article>
    </section>
  );
}
