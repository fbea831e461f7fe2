// The import graph of src/ (every relative import and re-export, type-only ones included), read with
// TypeScript's own pre-processor: no circle anywhere, and the Flow JSON room's entry pulls in nothing
// of Node or Nest (the browser preview imports it). ESLint (eslint.config.mjs) keeps the arrows' direction.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { PROJECT_ROOT } from '../support/server-process.js';

const SRC = join(PROJECT_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

interface Graph {
  edges: Map<string, string[]>;
  /** Imports that are not files of the project (packages, node: modules), per file. */
  external: Map<string, string[]>;
}

/** Each file's imports: relative ones resolved to files (`x.js` → `x.ts`), the others as written. */
function importGraph(files: string[]): Graph {
  const edges = new Map<string, string[]>();
  const external = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const local: string[] = [];
    const other: string[] = [];
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) {
        other.push(fileName);
        continue;
      }
      const target = resolve(dirname(file), fileName).replace(/\.js$/, '.ts');
      if (existsSync(target)) local.push(target);
      else if (existsSync(join(target, 'index.ts'))) local.push(join(target, 'index.ts'));
    }
    edges.set(file, local);
    external.set(file, other);
  }
  return { edges, external };
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    indices.set(node, index);
    lowlink.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        lowlink.set(node, Math.min(lowlink.get(node)!, lowlink.get(next)!));
      } else if (onStack.has(next)) lowlink.set(node, Math.min(lowlink.get(node)!, indices.get(next)!));
    }
    if (lowlink.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) connect(node);
  return found;
}

/** Every file `from` reaches. */
function reachable(edges: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length) for (const next of edges.get(queue.shift()!) ?? []) if (!seen.has(next) && seen.add(next)) queue.push(next);
  return seen;
}

describe('the import graph of src/', () => {
  const graph = importGraph(sourceFiles(SRC));
  const name = (file: string) => relative(PROJECT_ROOT, file);

  it('has no import cycle', () => {
    expect(cycles(graph.edges).map((component) => component.map(name).sort())).toEqual([]);
  });

  it('finds one (the check can fail)', () => {
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    const c = join(SRC, 'c.ts');
    const edges = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(cycles(edges).map((component) => component.sort())).toEqual([[a, b, c].sort()]);
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, []],
        ]),
      ),
    ).toEqual([]);
  });

  it("the Flow JSON room's entry pulls in nothing of Node or Nest, nor any file outside the room", () => {
    const files = [...reachable(graph.edges, join(SRC, 'flow-json/index.ts'))];
    expect(files.filter((file) => !file.startsWith(join(SRC, 'flow-json/'))).map(name)).toEqual([]);
    const imported = files.flatMap((file) => graph.external.get(file) ?? []);
    expect(imported.filter((specifier) => specifier.startsWith('node:') || specifier.startsWith('@nestjs/'))).toEqual([]);
  });

  it("the flows core imports neither media nor a flow, and no flow imports another flow's files", () => {
    const core = [...graph.edges].filter(([file]) => file.startsWith(join(SRC, 'flows-core/')));
    const upward = core.flatMap(([file, targets]) =>
      targets
        .filter((target) => target.startsWith(join(SRC, 'flow-media/')) || target.startsWith(join(SRC, 'flows/')))
        .map((target) => `${name(file)} → ${name(target)}`),
    );
    expect(upward).toEqual([]);
    const flowOf = (file: string) => /src\/flows\/([^/]+)\//.exec(file)?.[1];
    const across = [...graph.edges].flatMap(([file, targets]) => {
      const own = flowOf(file);
      if (!own) return [];
      return targets
        .filter((target) => flowOf(target) && flowOf(target) !== own && !target.endsWith('/index.ts'))
        .map((target) => `${name(file)} → ${name(target)}`);
    });
    expect(across).toEqual([]);
  });
});
