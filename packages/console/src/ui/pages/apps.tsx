import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Notice } from '../components/notice.tsx';
import { when, whenParts } from '../format.ts';
import { href, navigate } from '../router.ts';
import type { App } from '../types.ts';
import { useData } from '../use-data.ts';

/** Every app, and a form to create one (its first API key shown once). */
export function AppsPage(props: { onChanged: () => void }) {
  const { data, error, reload } = useData(() => api<{ apps: App[] }>('GET', '/apps'), []);
  const [name, setName] = useState('');
  const [origins, setOrigins] = useState('');
  const [rpId, setRpId] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ app: App; api_key: string } | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <section>
      <hgroup>
        <h1>Apps</h1>
        <p>Each app is one relying party: its origins, its RP ID, its policy and its keys.</p>
      </hgroup>
      {error && <Notice kind="error">{error}</Notice>}
      {created && (
        <article class="secret-once" aria-labelledby="created-title">
          <h2 id="created-title">“{created.app.name}” is ready</h2>
          <p>
            Copy the API key into your backend’s secrets now. latchkey stores only its hash and will
            not show it again.
          </p>
          <dl class="facts">
            <dt>App ID</dt>
            <dd>
              <code data-testid="created-app-id">{created.app.app_id}</code>{' '}
              <CopyButton value={created.app.app_id} label="Copy" class="secondary outline small" />
            </dd>
            <dt>API key</dt>
            <dd>
              <code class="secret" data-testid="created-api-key">
                {created.api_key}
              </code>
            </dd>
          </dl>
          <div class="actions-row">
            <CopyButton value={created.api_key} label="Copy key" />
            <button
              type="button"
              class="secondary"
              onClick={() => {
                const id = created.app.app_id;
                setCreated(null);
                navigate(['apps', id]);
              }}
            >
              I have stored it — open the app
            </button>
          </div>
        </article>
      )}
      <div class="grid-main-side">
        <article>
          <header>
            <h2>All apps</h2>
          </header>
          {data && data.apps.length === 0 && (
            <p class="muted">No apps yet. Create the first one.</p>
          )}
          {data && data.apps.length > 0 && (
            <div class="table-scroll">
              <table class="striped">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">RP ID</th>
                    <th scope="col">Origins</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {data.apps.map((app) => (
                    <tr key={app.app_id}>
                      <td class="app-name">
                        <a href={href(['apps', app.app_id])}>{app.name}</a>
                        <br />
                        <small class="muted mono break">{app.app_id}</small>
                      </td>
                      <td class="mono">{app.rp_id}</td>
                      <td>
                        {app.origins.map((o) => (
                          <div class="mono small">{o}</div>
                        ))}
                      </td>
                      <td class="nowrap" title={when(app.created_at)}>
                        {whenParts(app.created_at).date}
                        <br />
                        <small class="muted">{whenParts(app.created_at).time}</small>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
        <article>
          <header>
            <h2>New app</h2>
          </header>
          {formError && <Notice kind="error">{formError}</Notice>}
          <form
            onSubmit={async (event) => {
              event.preventDefault();
              setBusy(true);
              setFormError(null);
              try {
                const result = await api<{ app: App; api_key: string }>('POST', '/apps', {
                  name,
                  origins: origins
                    .split(/[\s,]+/)
                    .map((o) => o.trim())
                    .filter(Boolean),
                  ...(rpId.trim() ? { rp_id: rpId.trim() } : {}),
                });
                setCreated(result);
                setName('');
                setOrigins('');
                setRpId('');
                await reload();
                props.onChanged();
              } catch (e) {
                setFormError((e as Error).message);
              } finally {
                setBusy(false);
              }
            }}
          >
            <label>
              Name
              <input
                name="name"
                required
                value={name}
                placeholder="Acme Bank"
                aria-describedby="hint-name"
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
            <small id="hint-name" class="hint">
              Shown by passkey managers next to the user’s passkey.
            </small>
            <label>
              Origins
              <textarea
                name="origins"
                required
                rows={3}
                value={origins}
                placeholder="https://bank.example"
                aria-describedby="hint-origins"
                onInput={(e) => setOrigins(e.currentTarget.value)}
              />
            </label>
            <small id="hint-origins" class="hint">
              One per line: exact web origins, or android:apk-key-hash:… for native apps.
            </small>
            <label>
              RP ID <span class="muted">(optional)</span>
              <input
                name="rp_id"
                value={rpId}
                placeholder="defaults to the first origin’s host"
                onInput={(e) => setRpId(e.currentTarget.value)}
              />
            </label>
            <button type="submit" aria-busy={busy}>
              Create app
            </button>
          </form>
        </article>
      </div>
    </section>
  );
}
