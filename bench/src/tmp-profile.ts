import { SoftwareAuthenticator } from '@latchkey/authenticator';
import { bundleServer } from '../../packages/server/scripts/bundle.ts';
import { resolve } from 'node:path';
import { BENCH_ORIGIN, createBenchDatabase } from './bench-database.ts';
import { registrationPhase, signInPhase, type LatchkeyTarget } from './latchkey-phases.ts';
import { freePort, startServer } from './processes.ts';
import * as stages from './run-stage.ts';
const ROOT = resolve(import.meta.dirname, '../..');
const db = await createBenchDatabase(process.env.PG);
await db.release();
const script = await bundleServer(resolve(ROOT, 'packages/server/dist-bench'));
const port = await freePort();
const server = await startServer({ script, args: ['serve', '--port', String(port), '--db', db.url, '--log-level', 'warn', ...(process.env.REDIS ? ['--redis', process.env.REDIS] : [])], port, cwd: ROOT, core: 0, nodeFlags: ['--import', '/tmp/prof-tool/hook.mjs'] });
const target: LatchkeyTarget = { server, appId: db.appId, apiKey: db.apiKey, origin: BENCH_ORIGIN, connections: 10 };
const authenticator = new SoftwareAuthenticator({ counter: 'zero' });
const reg = await registrationPhase(target, authenticator, Array.from({ length: 1000 }, (_, i) => `u${i}`));
const pool = reg.users;
await signInPhase(target, authenticator, pool);
const n = Number(process.env.N ?? 3000);
const users = Array.from({ length: n }, (_, i) => pool[i % pool.length]!);
const profiled = process.env.PROFILE === '1';
const prof = async <T>(f: () => Promise<T>): Promise<T> => {
  if (profiled) process.kill(server.pid, 'SIGUSR2');
  const r = await f();
  if (profiled) { process.kill(server.pid, 'SIGUSR2'); await new Promise((res) => setTimeout(res, 1500)); }
  return r;
};
const json = (v: unknown) => JSON.stringify(v);
function survivors<T, R>(items: T[], answers: (R | null)[]): { item: T; answer: R }[] {
  const kept: { item: T; answer: R }[] = [];
  items.forEach((item, i) => { const a = answers[i]; if (a !== null && a !== undefined) kept.push({ item, answer: a }); });
  return kept;
}
const base = `/v1/apps/${target.appId}`;
const cpu0 = server.cpuMs();
const transaction = await prof(() => stages.runStage({ server, method: 'POST', path: `${base}/transactions/authenticate`, headers: { authorization: `Bearer ${target.apiKey}` }, requests: users.map((u) => ({ body: json({ external_id: u.externalId }) })), connections: 10 }));
const withTx = survivors(users, stages.parsedResponses<{ transaction_id: string }>(transaction));
const start = await prof(() => stages.runStage({ server, method: 'POST', path: `${base}/authenticate/transactions/webauthn/start`, requests: withTx.map(({ answer }) => ({ body: json({ transaction_id: answer.transaction_id }) })), connections: 10 }));
const started = survivors(withTx, stages.parsedResponses<any>(start));
const assertions: any[] = [];
for (const { item, answer } of started) assertions.push(await authenticator.getAssertion({ credentialId: item.item.credentialId, options: answer.handshake.challenge.publicKey, origin: target.origin } as any));
const finish = await prof(() => stages.runStage({ server, method: 'POST', path: `${base}/authenticate/transactions/webauthn/finish`, requests: started.map(({ item, answer }, i) => ({ body: json({ transaction_id: item.answer.transaction_id, handshake_id: answer.handshake.id, handshake_response: assertions[i] }) })), connections: 10 }));
const nonces = stages.parsedResponses<{ nonce: string }>(finish).flatMap((a) => (a ? [a.nonce] : []));
const redeem = await prof(() => stages.runStage({ server, method: 'POST', path: `${base}/authenticate/verify`, headers: { authorization: `Bearer ${target.apiKey}` }, requests: nonces.map((nonce) => ({ body: json({ nonce }) })), connections: 10 }));
const cpu1 = server.cpuMs();
for (const [k, s] of Object.entries({ transaction, start, finish, redeem })) console.log(k, s.cpuUsPerRequest.toFixed(0), 'us', s.requestsPerSecond.toFixed(0), '/s', 'failed', s.failed);
console.log('per ceremony us', ((cpu1 - cpu0) * 1000 / n).toFixed(0));
await server.stop();
await db.drop();
