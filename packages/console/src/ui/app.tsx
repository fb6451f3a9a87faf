import { useEffect, useState } from 'preact/hooks';
import { api, loadSession, onSignedOut, type Session, signOut } from './api.ts';
import { Notice } from './components/notice.tsx';
import { ActionsPage } from './pages/actions.tsx';
import { AppsPage } from './pages/apps.tsx';
import { AuditPage } from './pages/audit.tsx';
import { KeysPage } from './pages/keys.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { PortabilityPage } from './pages/portability.tsx';
import { RuleEditorPage, RulesListPage } from './pages/rules.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { LogoMark, SignIn } from './pages/sign-in.tsx';
import { UserPage, UsersPage } from './pages/users.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { isPathSegment } from './paths.ts';
import { href, navigate, type Route, useRoute } from './router.ts';
import type { App, Vocabulary } from './types.ts';

const SECTIONS = [
  ['', 'Overview'],
  ['settings', 'Settings'],
  ['keys', 'API keys'],
  ['users', 'Users'],
  ['portability', 'Export and import'],
  ['rules', 'Rules'],
  ['actions', 'Actions'],
  ['audit', 'Audit'],
  ['webhooks', 'Webhooks'],
] as const;

/** The console: sign-in, then a header, the app's sections and the page of the current route. */
export function ConsoleApp() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    onSignedOut((reason) => {
      setSession(null);
      setNotice(reason);
    });
  }, []);
  if (!session) {
    return (
      <SignIn
        message={notice}
        onSignedIn={(s) => {
          setNotice(null);
          setSession(s);
          if (!location.hash || location.hash === '#/') navigate(['apps']);
        }}
      />
    );
  }
  return (
    <Shell
      session={session}
      onSignOut={async () => {
        await signOut();
        setNotice('Signed out.');
        setSession(null);
      }}
    />
  );
}

function Shell(props: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const [apps, setApps] = useState<App[] | null>(null);
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadApps = async () => {
    try {
      setApps((await api<{ apps: App[] }>('GET', '/apps')).apps);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    void loadApps();
    api<Vocabulary>('GET', '/vocabulary').then(setVocabulary, (e: Error) => setError(e.message));
  }, []);
  const [first, appId, section = '', ...rest] = route.segments;
  const app = first === 'apps' && appId ? apps?.find((a) => a.app_id === appId) : undefined;
  useEffect(() => {
    if (route.segments.length === 0) navigate(['apps']);
  }, [route.segments.length]);

  return (
    <>
      <header class="topbar">
        <nav class="container-fluid">
          <ul>
            <li>
              <a href={href(['apps'])} class="brand" aria-label="latchkey console, all apps">
                <LogoMark />
                <span>latchkey</span>
                <span class="brand-sub">console</span>
              </a>
            </li>
            {apps && apps.length > 0 && (
              <li>
                <select
                  aria-label="Current app"
                  class="app-switcher"
                  value={app?.app_id ?? ''}
                  onChange={(e) => {
                    const id = e.currentTarget.value;
                    navigate(id ? ['apps', id] : ['apps']);
                  }}
                >
                  <option value="">All apps</option>
                  {apps.map((a) => (
                    <option value={a.app_id}>{a.name}</option>
                  ))}
                </select>
              </li>
            )}
          </ul>
          <ul>
            <li>
              <small class="muted" title={`Session ends ${props.session.expires_at}`}>
                Signed in as <strong>{props.session.operator.name}</strong>
              </small>
            </li>
            <li>
              <button type="button" class="secondary outline small" onClick={props.onSignOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <div class="layout">
        {app && (
          <aside class="sidebar">
            <nav aria-label="App sections">
              <p class="sidebar-title">{app.name}</p>
              <ul>
                {SECTIONS.map(([key, label]) => (
                  <li>
                    <a
                      href={href(key ? ['apps', app.app_id, key] : ['apps', app.app_id])}
                      aria-current={section === key ? 'page' : undefined}
                    >
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </aside>
        )}
        <main class="content" id="main">
          {error && <Notice kind="error">{error}</Notice>}
          {first === 'apps' && !appId && <AppsPage onChanged={loadApps} />}
          {appId && apps && !app && <Notice kind="error">No app with id {appId}.</Notice>}
          {app && vocabulary && (
            <AppPage
              app={app}
              section={section}
              rest={rest}
              route={route}
              vocabulary={vocabulary}
              onSaved={(saved) =>
                setApps((apps ?? []).map((a) => (a.app_id === saved.app_id ? saved : a)))
              }
            />
          )}
        </main>
      </div>
    </>
  );
}

function AppPage(props: {
  app: App;
  section: string;
  rest: string[];
  route: Route;
  vocabulary: Vocabulary;
  onSaved: (app: App) => void;
}) {
  const { app, section, rest, route, vocabulary } = props;
  // An id from the fragment that cannot be sent as one path segment names nothing.
  if (rest[0] !== undefined && !isPathSegment(rest[0])) {
    return <Notice kind="error">Not a valid id: {JSON.stringify(rest[0])}</Notice>;
  }
  switch (section) {
    case '':
      return <OverviewPage app={app} />;
    case 'settings':
      return <SettingsPage key={app.app_id} app={app} onSaved={props.onSaved} />;
    case 'keys':
      return <KeysPage app={app} />;
    case 'users':
      return rest[0] ? (
        <UserPage app={app} userId={rest[0]} />
      ) : (
        <UsersPage
          key={route.params.get('q') ?? ''}
          app={app}
          search={route.params.get('q') ?? ''}
        />
      );
    case 'portability':
      return <PortabilityPage key={app.app_id} app={app} />;
    case 'rules':
      return rest[0] ? (
        <RuleEditorPage app={app} actionCode={rest[0]} vocabulary={vocabulary} />
      ) : (
        <RulesListPage app={app} />
      );
    case 'actions':
      return (
        <ActionsPage
          key={route.params.toString()}
          app={app}
          params={route.params}
          vocabulary={vocabulary}
        />
      );
    case 'audit':
      return (
        <AuditPage
          key={route.params.toString()}
          app={app}
          params={route.params}
          vocabulary={vocabulary}
        />
      );
    case 'webhooks':
      return <WebhooksPage app={app} />;
    default:
      return <Notice kind="error">No such page.</Notice>;
  }
}
