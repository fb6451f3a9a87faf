import { useState } from 'preact/hooks';
import { api, apiPath } from '../api.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { Badge, Notice } from '../components/notice.tsx';
import { ago, when } from '../format.ts';
import type { ApiKey, App } from '../types.ts';
import { useData } from '../use-data.ts';

/** An app's API keys: create (the key is shown once), see when each was last used, revoke. */
export function KeysPage(props: { app: App }) {
  const path = apiPath(['apps', props.app.app_id, 'keys']);
  const { data, error, reload } = useData(() => api<{ keys: ApiKey[] }>('GET', path), [path]);
  const [created, setCreated] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  return (
    <section>
      <hgroup>
        <h1>API keys</h1>
        <p>
          Your backend authenticates to latchkey with one of these. Only their hashes are stored.
        </p>
      </hgroup>
      {error && <Notice kind="error">{error}</Notice>}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {created && (
        <article class="secret-once">
          <h2>New API key</h2>
          <p>Copy it now: it is shown once and cannot be shown again.</p>
          <code class="secret" data-testid="new-api-key">
            {created}
          </code>
          <div class="actions-row">
            <CopyButton value={created} label="Copy key" />
            <button type="button" class="secondary" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </article>
      )}
      <article>
        <header class="row">
          <h2>Keys</h2>
          <button
            type="button"
            onClick={async () => {
              try {
                const result = await api<{ api_key: string }>('POST', path);
                setCreated(result.api_key);
                setMessage(null);
                await reload();
              } catch (e) {
                setMessage({ kind: 'error', text: (e as Error).message });
              }
            }}
          >
            Create key
          </button>
        </header>
        {data && (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Key ID</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.keys.map((key) => (
                <tr key={key.key_id} data-key-id={key.key_id}>
                  <td class="mono">lk_{key.key_id}.••••••••</td>
                  <td>
                    <Badge tone={key.status === 'active' ? 'ok' : 'info'}>{key.status}</Badge>
                  </td>
                  <td>{when(key.created_at)}</td>
                  <td title={when(key.last_used_at)}>{ago(key.last_used_at)}</td>
                  <td class="right">
                    {key.status === 'active' ? (
                      <ConfirmButton
                        label="Revoke"
                        confirmLabel="Confirm revoke"
                        onConfirm={async () => {
                          try {
                            await api(
                              'DELETE',
                              apiPath(['apps', props.app.app_id, 'keys', key.key_id]),
                            );
                            setMessage({ kind: 'success', text: `Key ${key.key_id} revoked.` });
                            await reload();
                          } catch (e) {
                            setMessage({ kind: 'error', text: (e as Error).message });
                          }
                        }}
                      />
                    ) : (
                      <small class="muted">revoked {when(key.revoked_at)}</small>
                    )}
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
