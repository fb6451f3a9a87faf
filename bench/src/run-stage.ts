/**
 * One measured stage: a list of prebuilt requests sent by autocannon as fast as the server takes
 * them, with the server's CPU time read from its own accounting before and after, and, where the
 * server counts them, the database statements it sent.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.ts';

/** What a stage is sent to: one server, or several sharing the load. */
export interface StageTarget {
  /** One base URL, or several: autocannon spreads its connections over them in turn. */
  baseUrl: string | string[];
  /** CPU time (user + system) the server process(es) used so far, in milliseconds. */
  cpuMs(): number;
  /** Database statements the server(s) sent so far; null where not counted. */
  statements?(): Promise<number | null>;
}

/** One prebuilt request (no body: a GET). */
export interface PreparedRequest {
  body?: string;
  headers?: Record<string, string>;
  path?: string;
}

/** What a stage measured. */
export interface StageResult {
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  serverCpuMs: number;
  /** Server CPU per successful request, in microseconds. */
  cpuUsPerRequest: number;
  /** Database statements per request sent; null where the server does not count them. */
  statementsPerRequest: number | null;
  /** The body of each request's answer (null where it was not 2xx), in request order. */
  responses: (string | null)[];
}

/**
 * Sends `requests` (each once) with `connections` concurrent connections; with `rate`, paces the
 * whole run to that many requests a second instead of saturating. A request succeeds with a 2xx,
 * or with exactly `expectStatus` where given (a stage of refusals).
 *
 * @example
 * const result = await runStage({ server, method: 'POST', path: '/trivial', requests, connections: 10 });
 */
export async function runStage(options: {
  server: StageTarget;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  requests: PreparedRequest[];
  connections: number;
  rate?: number;
  expectStatus?: number;
}): Promise<StageResult> {
  const { requests, expectStatus } = options;
  const responses: (string | null)[] = new Array(requests.length).fill(null);
  if (requests.length === 0) throw new Error('a stage needs at least one request');
  const succeeded = (status: number): boolean =>
    expectStatus === undefined ? status >= 200 && status < 300 : status === expectStatus;
  let next = 0;
  const latencies: number[] = [];
  const baseHeaders: Record<string, string> = {
    ...(options.method === 'POST' ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  // Read outside the CPU window: reading the count is a request to the server too.
  const statementsBefore = (await options.server.statements?.()) ?? null;
  const cpuBefore = options.server.cpuMs();
  const started = performance.now();
  const instance = autocannon({
    url: options.server.baseUrl,
    connections: Math.min(options.connections, requests.length),
    amount: requests.length,
    timeout: 30,
    // autocannon ends a run on its sampling tick; the stage's own clock stops at the last answer.
    sampleInt: 50,
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
    requests: [
      {
        method: options.method,
        path: options.path,
        headers: baseHeaders,
        setupRequest: (request, context) => {
          // Past the end (autocannon may ask once more than `amount`), the last request is resent.
          const index = Math.min(next, requests.length - 1);
          next += 1;
          context.index = index;
          const prepared = requests[index]!;
          return {
            ...request,
            path: prepared.path ?? options.path,
            headers: prepared.headers ? { ...baseHeaders, ...prepared.headers } : baseHeaders,
            ...(prepared.body === undefined ? {} : { body: prepared.body }),
          };
        },
        onResponse: (status, body, context) => {
          const index = context.index as number;
          responses[index] = succeeded(status) ? body : null;
        },
      },
    ],
  });
  let finished = started;
  let cpuAfter = cpuBefore;
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (latencies.length === requests.length) {
      finished = performance.now();
      cpuAfter = options.server.cpuMs();
    }
  });
  const result = await instance;
  if (latencies.length < requests.length) {
    finished = performance.now();
    cpuAfter = options.server.cpuMs();
  }
  const statementsAfter = (await options.server.statements?.()) ?? null;
  const seconds = (finished - started) / 1000;
  const serverCpuMs = cpuAfter - cpuBefore;
  latencies.sort((a, b) => a - b);
  const ok = responses.filter((r) => r !== null).length;
  const total = result.requests.total;
  const statementsPerRequest =
    statementsBefore === null || statementsAfter === null
      ? null
      : (statementsAfter - statementsBefore) / Math.max(1, total);
  return {
    requests: total,
    ok,
    failed: total - ok,
    seconds,
    requestsPerSecond: total / seconds,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
    serverCpuMs,
    cpuUsPerRequest: (serverCpuMs * 1000) / Math.max(1, ok),
    statementsPerRequest,
    responses,
  };
}

/**
 * Keeps the items whose request succeeded, each paired with its parsed answer.
 *
 * @example
 * const started = survivors(users, parsedResponses<{ transaction_id: string }>(stage));
 */
export function survivors<T, R>(items: T[], answers: (R | null)[]): { item: T; answer: R }[] {
  return items.flatMap((item, i) => {
    const answer = answers[i];
    return answer === null || answer === undefined ? [] : [{ item, answer }];
  });
}

/** Parses each 2xx answer as JSON; null where the request failed. */
export function parsedResponses<T>(result: StageResult): (T | null)[] {
  return result.responses.map((body) => (body === null ? null : (JSON.parse(body) as T)));
}
