import { useEffect, useState } from 'preact/hooks';

/** The console's location: `#/apps/<id>/users?external_id=…` as segments and a query. */
export interface Route {
  segments: string[];
  params: URLSearchParams;
}

function current(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  return {
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** A hash link target from path segments and optional query parameters. */
export function href(path: string[], params: Record<string, string> = {}): string {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

export function navigate(path: string[], params: Record<string, string> = {}): void {
  location.hash = href(path, params);
}
