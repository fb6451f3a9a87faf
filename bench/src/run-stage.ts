/**
 * One measured stage: a list of prebuilt requests sent by autocannon as fast as the server takes
 * them, with the server's CPU time read from its own accounting before and after.
 */
import autocannon from 'autocannon';
import type { ServerProcess } from './processes.ts';
import { percentile } from './stats.ts';

/** One prebuilt request. */
export interface PreparedRequest {
  body: string;
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
  /** The body of each request's answer (null where it was not 2xx), in request order. */
  responses: (string | null)[];
}

/**
 * Sends `requests` (each once) with `connections` concurrent connections; with `rate`, paces the
 * whole run to that many requests a second instead of saturating.
 *
 * @example
 * const result = await runStage({ server, method: 'POST', path: '/trivial', requests, connections: 10 });
 */
export async function runStage(options: {
  server: ServerProcess;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  requests: PreparedRequest[];
  connections: number;
  rate?: number;
}): Promise<StageResult> {
  const { requests } = options;
  const responses: (string | null)[] = new Array(requests.length).fill(null);
  if (requests.length === 0) throw new Error('a stage needs at least one request');
  let next = 0;
  const latencies: number[] = [];
  const baseHeaders = { 'content-type': 'application/json', ...options.headers };
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
            body: prepared.body,
          };
        },
        onResponse: (status, body, context) => {
          const index = context.index as number;
          responses[index] = status >= 200 && status < 300 ? body : null;
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
  const seconds = (finished - started) / 1000;
  const serverCpuMs = cpuAfter - cpuBefore;
  latencies.sort((a, b) => a - b);
  const ok = responses.filter((r) => r !== null).length;
  const total = result.requests.total;
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
    responses,
  };
}

/** Parses each 2xx answer as JSON; null where the request failed. */
export function parsedResponses<T>(result: StageResult): (T | null)[] {
  return result.responses.map((body) => (body === null ? null : (JSON.parse(body) as T)));
}
