/** Where settings come from: flags first, then the environment, then these defaults. */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  databaseUrl: 'sqlite:./latchkey.db',
} as const;

/** The database URL to use: `--db`, else `LATCHKEY_DATABASE_URL`, else `sqlite:./latchkey.db`. */
export function databaseUrl(flag: string | undefined): string {
  return flag ?? process.env.LATCHKEY_DATABASE_URL ?? DEFAULTS.databaseUrl;
}

/** The port to listen on: `--port`, else `PORT`, else 8080. */
export function listenPort(flag: string | undefined): number {
  const value = flag ?? process.env.PORT ?? String(DEFAULTS.port);
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${value}`);
  }
  return port;
}

/** The host to listen on: `--host`, else `HOST`, else 127.0.0.1. */
export function listenHost(flag: string | undefined): string {
  return flag ?? process.env.HOST ?? DEFAULTS.host;
}
