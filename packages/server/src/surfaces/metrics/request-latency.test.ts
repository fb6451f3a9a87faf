/**
 * The latency histogram is counted in plain arrays, but a scraper must see exactly what prom-client's
 * own Histogram would have rendered for the same requests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { requestLatency } from './request-latency.ts';

const NAME = 'latchkey_http_request_duration_seconds';
const HELP = 'Request latency by route and status code';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Requests as (method, route, status, seconds), with values on, between and beyond the bounds. */
const REQUESTS: [string, string, number, number][] = [
  ['GET', '/healthz', 200, 0.0004],
  ['GET', '/healthz', 200, 0.001],
  ['GET', '/healthz', 200, 0.0011],
  ['POST', '/v1/apps/:app_id/authenticate/verify', 200, 0.02],
  ['POST', '/v1/apps/:app_id/authenticate/verify', 401, 0.3],
  ['GET', 'unmatched', 404, 7],
  ['GET', '/healthz', 503, 2.5],
  ['POST', '/v1/apps/:app_id/authenticate/verify', 200, 0.0049],
];

/** The same requests through prom-client's Histogram, as the server used to count them. */
function reference(): Registry {
  const registry = new Registry();
  const histogram = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['method', 'route', 'status'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const [method, route, status, seconds] of REQUESTS) {
    histogram.observe({ method, route, status: String(status) }, seconds);
  }
  return registry;
}

function counted(): Registry {
  const registry = new Registry();
  const latency = requestLatency({ registry, name: NAME, help: HELP, buckets: BUCKETS });
  for (const [method, route, status, seconds] of REQUESTS) {
    latency.observe(method, route, status, seconds);
  }
  return registry;
}

/** The lines of a text exposition, in an order that does not depend on when a series began. */
const sortedLines = (text: string): string[] => text.split('\n').sort();

describe('request latency', () => {
  it('renders the text format exactly as prom-client would, line for line', async () => {
    const expected = await reference().metrics();
    const actual = await counted().metrics();
    assert.deepEqual(sortedLines(actual), sortedLines(expected));
    assert.match(
      actual,
      /latchkey_http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/healthz",status="200"\} 2/,
    );
  });

  it('gives the same JSON as prom-client, and forgets every series on reset', async () => {
    const byLabels = (values: { labels: object; value: number; metricName?: string }[]) =>
      values.map((v) => JSON.stringify([v.metricName, v.labels, v.value])).sort();
    const [expected] = await reference().getMetricsAsJSON();
    const registry = counted();
    const [actual] = await registry.getMetricsAsJSON();
    assert.ok(expected && actual);
    assert.equal(actual.type, expected.type);
    assert.deepEqual(byLabels(actual.values), byLabels(expected.values));
    registry.resetMetrics();
    assert.deepEqual((await registry.getMetricsAsJSON())[0]?.values, []);
  });

  it('counts a request above every bound only in +Inf, the sum and the count', async () => {
    const registry = new Registry();
    const latency = requestLatency({ registry, name: NAME, help: HELP, buckets: [0.1, 1] });
    latency.observe('GET', '/slow', 200, 30);
    const text = await registry.metrics();
    assert.match(text, /_bucket\{le="1",method="GET",route="\/slow",status="200"\} 0/);
    assert.match(text, /_bucket\{le="\+Inf",method="GET",route="\/slow",status="200"\} 1/);
    assert.match(text, /_sum\{method="GET",route="\/slow",status="200"\} 30/);
    assert.match(text, /_count\{method="GET",route="\/slow",status="200"\} 1/);
  });
});
