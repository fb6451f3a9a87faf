/**
 * A real `node:http` server whose behaviour a test writes, for what latchkey itself never does:
 * hang, fail with a gateway error, cut the connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server received it. */
export interface ReceivedRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A listening server and the requests it received, in order. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `METHOD path?query` of each request received. */
  requests: string[];
  /** The headers and body of each request received. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 and a free port; `handle` gets each request with its number (0 first).
 *
 * @example
 * const server = await startHttpServer((request, response, index) => {
 *   response.writeHead(index === 0 ? 503 : 200).end('{}');
 * });
 */
export async function startHttpServer(
  handle: (request: IncomingMessage, response: ServerResponse, index: number) => void,
): Promise<TestHttpServer> {
  const requests: string[] = [];
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const index = requests.push(`${request.method} ${request.url}`) - 1;
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    // Read the body before answering, as a real server would.
    request.on('end', () => {
      received.push({
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body,
      });
      handle(request, response, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests left hanging on purpose would otherwise keep the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Sends `body` as JSON with `status`.
 *
 * @example
 * sendJson(response, 200, { external_id: 'user-42' });
 */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
