/**
 * A CPU profile in a few lines: the share of the busy time spent in each package (or Node's own
 * modules, the native layer, garbage collection), and the functions with the most self time.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's code comes from: a package, a Node module, or latchkey's own bundle. */
function origin(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') {
    return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  }
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (dependency?.[1]) return dependency[1];
  if (frame.url.startsWith('node:')) return `node:${frame.url.slice(5).split('/')[0]}`;
  return 'latchkey';
}

function top(shares: Map<string, number>, busy: number, count: number): string[] {
  return [...shares]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => `${((100 * time) / busy).toFixed(1).padStart(5)}%  ${name}`);
}

/**
 * The nodes under the profiler hook: stopping the profiler is sampled too, and says nothing of the
 * server.
 */
function profilerNodes(nodes: ProfileNode[]): Set<number> {
  const hooked = new Set<number>();
  const mark = (node: ProfileNode | undefined, inside: boolean, byId: Map<number, ProfileNode>) => {
    if (!node) return;
    const here = inside || node.callFrame.url.endsWith('profiler-hook.mjs');
    if (here) hooked.add(node.id);
    for (const child of node.children ?? []) mark(byId.get(child), here, byId);
  };
  const byId = new Map(nodes.map((node) => [node.id, node]));
  mark(nodes[0], false, byId);
  return hooked;
}

/**
 * The summary of a `.cpuprofile` file: busy time (idle left out), by origin and by function.
 *
 * @example
 * console.log(summarizeProfile('/tmp/profiles/1.cpuprofile', 15).join('\n'));
 */
export function summarizeProfile(file: string, functions: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const hooked = profilerNodes(profile.nodes);
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const time = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)' || hooked.has(id)) return;
    busy += time;
    const from = origin(node.callFrame);
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + time);
    const name = `${node.callFrame.functionName || '(anonymous)'} (${from}:${node.callFrame.lineNumber})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  });
  return [
    `busy ${(busy / 1000).toFixed(0)} ms`,
    ...top(byOrigin, busy, 12),
    '',
    ...top(byFunction, busy, functions),
  ];
}
