import { useState } from 'preact/hooks';
import { ApiError, api, apiPath } from '../api.ts';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { Badge, Notice } from '../components/notice.tsx';
import { PasskeyHistory } from '../components/passkey-history.tsx';
import { ago, when } from '../format.ts';
import { href, navigate } from '../router.ts';
import type { App, Passkey, User } from '../types.ts';
import { useData } from '../use-data.ts';

/** Find users by the start of their external id or any part of their display name. */
export function UsersPage(props: { app: App; search: string }) {
  const [text, setText] = useState(props.search);
  const path = apiPath(['apps', props.app.app_id, 'users'], { q: props.search, limit: 50 });
  const { data, error } = useData(() => api<{ users: User[]; total: number }>('GET', path), [path]);
  return (
    <section>
      <hgroup>
        <h1>Users</h1>
        <p>Users as latchkey knows them, by your app’s own id for each.</p>
      </hgroup>
      <p>
        <small>
          Moving from another passkey server, or to another latchkey?{' '}
          <a href={href(['apps', props.app.app_id, 'portability'])}>Export or import passkeys</a>
        </small>
      </p>
      <form
        aria-label="Find users"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(['apps', props.app.app_id, 'users'], { q: text.trim() });
        }}
      >
        {/* biome-ignore lint/a11y/noRedundantRoles: Pico draws a joined input and button from this role. */}
        <fieldset role="group">
          <input
            type="search"
            name="q"
            aria-label="Search users"
            placeholder="External id or display name…"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button type="submit">Search</button>
        </fieldset>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {data && (
        <article>
          <header>
            <strong>{data.total}</strong> {data.total === 1 ? 'user' : 'users'}
            {props.search && (
              <>
                {' '}
                whose id starts with or whose name contains <code>{props.search}</code>
              </>
            )}
          </header>
          {data.users.length === 0 ? (
            <p class="muted">No users match.</p>
          ) : (
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">External id</th>
                  <th scope="col">Display name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">Sign-ins</th>
                </tr>
              </thead>
              <tbody>
                {data.users.map((user) => (
                  <tr key={user.user_id}>
                    <td>
                      <a href={href(['apps', props.app.app_id, 'users', user.user_id])}>
                        {user.external_id}
                      </a>
                    </td>
                    <td>{user.display_name || <span class="muted">—</span>}</td>
                    <td>{when(user.created_at)}</td>
                    <td title={when(user.last_login_at)}>{ago(user.last_login_at)}</td>
                    <td>{user.login_count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      )}
    </section>
  );
}

function ProviderIcon(props: { passkey: Passkey }) {
  const icon = props.passkey.provider?.icon_light;
  if (icon) return <img class="provider-icon" src={icon} alt="" width={40} height={40} />;
  return (
    <svg class="provider-icon" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#e7ecf3" />
      <circle cx="13" cy="14" r="5" fill="none" stroke="#4a5568" stroke-width="2.5" />
      <path
        d="M16.5 17.5 24 25M21 22l2-2"
        stroke="#4a5568"
        stroke-width="2.5"
        stroke-linecap="round"
      />
    </svg>
  );
}

/**
 * One user: their passkeys (provider, type, backup state, usage), revoke, their passkey history
 * (account recoveries among it), and the audit trail.
 */
export function UserPage(props: { app: App; userId: string }) {
  const path = apiPath(['apps', props.app.app_id, 'users', props.userId]);
  const { data, error, reload } = useData(
    () => api<{ user: User; passkeys: Passkey[] }>('GET', path),
    [path],
  );
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [changes, setChanges] = useState(0);
  if (error) return <Notice kind="error">{error}</Notice>;
  if (!data) return <p aria-busy="true">Loading…</p>;
  const { user, passkeys } = data;
  return (
    <section>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href={href(['apps', props.app.app_id, 'users'])}>Users</a>
          </li>
          <li>{user.external_id}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>{user.external_id}</h1>
        <p>
          {user.display_name || 'No display name'} · created {when(user.created_at)} ·{' '}
          {user.login_count} sign-ins, last {ago(user.last_login_at)}
        </p>
      </hgroup>
      <div class="actions-row">
        <a
          class="link-button"
          href={href(['apps', props.app.app_id, 'audit'], { external_id: user.external_id })}
        >
          Audit timeline
        </a>
        <a
          class="link-button"
          href={href(['apps', props.app.app_id, 'actions'], { external_id: user.external_id })}
        >
          Actions
        </a>
      </div>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <h2>Passkeys ({passkeys.length})</h2>
      {passkeys.length === 0 && <p class="muted">This user has no passkeys.</p>}
      <div class="passkeys">
        {passkeys.map((p) => (
          <article class="passkey" key={p.device_id} data-device-id={p.device_id}>
            <header class="passkey-head">
              <ProviderIcon passkey={p} />
              <div>
                <strong>{p.provider?.name ?? p.friendly_name}</strong>
                <br />
                <small class="muted">{p.friendly_name}</small>
              </div>
            </header>
            <div class="badges">
              <Badge tone="info">{p.type.replace('_', ' ')}</Badge>
              {p.backup_state ? (
                <Badge tone="ok" title="Backup eligible and backed up: a synced passkey">
                  synced
                </Badge>
              ) : p.backup_eligible ? (
                <Badge tone="warn" title="Backup eligible, not yet backed up">
                  not backed up
                </Badge>
              ) : (
                <Badge tone="info" title="Not backup eligible: bound to one device">
                  device-bound
                </Badge>
              )}
              {p.transports.map((t) => (
                <Badge tone="info">{t}</Badge>
              ))}
              {p.prf_enabled && (
                <Badge
                  tone="info"
                  title="The browser reported the PRF extension enabled (client-reported)"
                >
                  PRF
                </Badge>
              )}
              {p.created_by_upgrade && (
                <Badge
                  tone="info"
                  title="Made by an automatic passkey upgrade after a password sign-in"
                >
                  upgrade
                </Badge>
              )}
            </div>
            <dl class="facts">
              <dt>Created</dt>
              <dd>{when(p.created_at)}</dd>
              <dt>Last used</dt>
              <dd title={when(p.last_used_at)}>{ago(p.last_used_at)}</dd>
              <dt>Used</dt>
              <dd>
                {p.usage_count} {p.usage_count === 1 ? 'time' : 'times'}
              </dd>
              <dt>AAGUID</dt>
              <dd class="mono small">{p.aaguid}</dd>
              <dt>Model</dt>
              <dd title="Attested: the attestation verified against FIDO metadata at registration">
                {p.aaguid_attested ? 'attested' : 'self-reported'}
              </dd>
            </dl>
            <footer>
              <ConfirmButton
                label="Revoke passkey"
                confirmLabel="Confirm revoke"
                onConfirm={async () => {
                  const segments = [
                    'apps',
                    props.app.app_id,
                    'users',
                    props.userId,
                    'passkeys',
                    p.device_id,
                  ];
                  try {
                    try {
                      await api('DELETE', apiPath(segments));
                    } catch (e) {
                      // The server refuses to drop the user's last PRF passkey unasked: ask.
                      if (!(e instanceof ApiError) || e.code !== 'prf_loss_unacknowledged') throw e;
                      const lose = window.confirm(
                        `“${p.friendly_name}” is this user's last passkey with PRF. Data the app encrypted with keys from it can no longer be decrypted once it is revoked. Revoke it anyway?`,
                      );
                      if (!lose) return;
                      await api('DELETE', apiPath(segments, { acknowledge_prf_loss: 'true' }));
                    }
                    setMessage({ kind: 'success', text: `Passkey “${p.friendly_name}” revoked.` });
                    await reload();
                    setChanges((n) => n + 1);
                  } catch (e) {
                    setMessage({ kind: 'error', text: (e as Error).message });
                  }
                }}
              />
            </footer>
          </article>
        ))}
      </div>
      <PasskeyHistory appId={props.app.app_id} userId={props.userId} version={changes} />
    </section>
  );
}
