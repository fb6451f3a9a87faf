/**
 * A real HTTP server that receives webhooks, for tests: it records every request and answers each
 * with the next planned behaviour (a status code, or holding the request open without answering).
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';

/** What the receiver does with one request: answer with a status, or never answer. */
export type ReceiverBehaviour = number | 'hang';

/** One request the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A listening receiver. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Behaviours for the next requests, in order; once used up, every request gets `fallback`. */
  plan(...behaviours: ReceiverBehaviour[]): void;
  fallback: ReceiverBehaviour;
  /** Resolves once `count` requests have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 at a free port, answering 200 unless planned otherwise. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const planned: ReceiverBehaviour[] = [];
  const held: ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      for (const wake of waiters.splice(0)) wake();
      const behaviour = planned.shift() ?? receiver.fallback;
      if (behaviour === 'hang') {
        held.push(response);
        return;
      }
      response.writeHead(behaviour, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    fallback: 200,
    plan: (...behaviours) => {
      planned.push(...behaviours);
    },
    waitFor: (count, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the receiver got ${received.length} of ${count} requests`)),
          timeoutMs,
        );
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received);
          } else waiters.push(check);
        };
        check();
      }),
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
