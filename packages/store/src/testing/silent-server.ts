import { createServer, type Socket } from 'node:net';

/** A TCP listener that accepts connections and never says a word. */
export interface SilentServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on a loopback port, accepts every connection and never answers: a database that a
 * firewall swallows, or a port that is open but not PostgreSQL's. A client without a connect
 * timeout waits on it forever (a closed port, by contrast, is refused at once).
 *
 * @example
 * const silent = await startSilentServer();
 * await openStore({ url: `postgres://postgres@127.0.0.1:${silent.port}/x` }); // rejects after the timeout
 * await silent.close();
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}).on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('silent server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
