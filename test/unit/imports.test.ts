import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The boxes of DESIGN.md import downwards only: lib/ and config/ below the boxes, env.ts and the
// entries above them. A loop (even of types) means a lower layer reaches up.
const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importGraph(): Map<string, string[]> {
  const files = new Set(sources(src));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*?from\s+'(\.[^']+)'/gm)]
      .map((match) => `${resolve(dirname(file), match[1]!)}.ts`)
      .filter((target) => files.has(target));
    graph.set(file, targets);
  }
  return graph;
}

/** Each import loop as its files (Tarjan's strongly connected components of two or more). */
function loops(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (stack.includes(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(relative(src, member));
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/**
 * The same graph between the folders of src/ (the boxes; files at the top are the entries and
 * stand above them all): a box imports only boxes below it, so no loop here either, even where
 * every file-level import is acyclic.
 */
function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const box = (file: string): string | undefined => {
    const parts = relative(src, file).split('/');
    return parts.length > 1 ? join(src, parts[0]!) : undefined;
  };
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = box(file);
    if (!from) continue;
    for (const target of targets) {
      const to = box(target);
      if (to && to !== from) folders.set(from, (folders.get(from) ?? new Set()).add(to));
    }
  }
  return new Map([...folders].map(([from, to]) => [from, [...to]]));
}

describe('imports', () => {
  it('src/ has no import loop', () => {
    expect(loops(importGraph())).toEqual([]);
  });

  it('no two folders of src/ import each other, through any chain', () => {
    expect(loops(folderGraph(importGraph()))).toEqual([]);
  });

  it('the destination rules import only the config, the event type and lib/: a Node program can run them', () => {
    const below = new Set(['config', 'events', 'lib', 'rules']);
    const reached = [...importGraph()]
      .filter(([file]) => relative(src, file).startsWith('rules/'))
      .flatMap(([file, targets]) => targets.map((target) => `${relative(src, file)} → ${relative(src, target)}`))
      .filter(
        (edge) => !below.has(edge.split(' → ')[1]!.split('/')[0]!) || /events\/(?!event$)/.test(edge.split(' → ')[1]!.replace(/\.ts$/, '')),
      );
    expect(reached).toEqual([]);
  });

  it('finds a loop when there is one', () => {
    const graph = new Map(
      [
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ].map(([k, v]) => [join(src, k as string), (v as string[]).map((t) => join(src, t))]),
    );
    expect(loops(graph)).toEqual([['a', 'b', 'c']]);
  });
});
