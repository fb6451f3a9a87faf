/**
 * The shape of core's imports: no module imports, directly or not, a module that imports it back.
 * (The `ports.ts` barrel only re-exports the per-noun port modules, which import no logic, so even
 * a core module that goes through it closes no loop.)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;]*?\sfrom\s+'(\.[^']+)'/g;

/** Every non-test module of core, with the core modules it imports (type imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const source = readFileSync(path, 'utf8');
        const deps = [...source.matchAll(IMPORT)].map((m) =>
          relative(ROOT, normalize(join(dirname(path), m[1] ?? ''))),
        );
        graph.set(relative(ROOT, path), deps);
      }
    }
  };
  walk(ROOT);
  return graph;
}

/** The import cycles of a graph, each as the list of modules around it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      const at = stack.indexOf(dep);
      if (at >= 0) cycles.push([...stack.slice(at), dep]);
      else if (!done.has(dep)) visit(dep);
    }
    stack.pop();
    done.add(node);
  };
  for (const node of graph.keys()) if (!done.has(node)) visit(node);
  return cycles;
}

describe("core's imports", () => {
  const graph = importGraph();

  it('finds a cycle when there is one', () => {
    const looped = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    assert.deepEqual(findCycles(looped), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('have no cycles', () => {
    assert.ok(graph.size > 50, 'the modules were found');
    assert.deepEqual(findCycles(graph), []);
  });
});
