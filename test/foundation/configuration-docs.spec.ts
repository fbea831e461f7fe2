// One list of environment variables: config/.env.example. The code's list is derived here, from the
// source itself, never kept by hand: the properties of every env class handed to validateEnv() (each
// module's `*.config.ts`), and every variable read directly (`process.env.X`, `configEnvironment().X`,
// as the command-line tools do). docs/configuration.md and config/.env.example must name exactly those.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = 'config/.env.example';
const DOCS = 'docs/configuration.md';

/** Variables that belong to the operating system or Node, not to Flowgate, should the code read one. */
const NOT_OURS = new Set(['PATH', 'HOME', 'TMPDIR', 'TZ', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']);

const VARIABLE = /^[A-Z][A-Z0-9_]*$/;

interface CodeVariables {
  /** Variable → where the code reads or validates it (file:line). */
  read: Map<string, string[]>;
  /** Anything the derivation could not follow: the test fails on it rather than miss a variable. */
  unreadable: string[];
}

/** Every production source file under `dir` (tests and declarations left out). */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts)$/.test(name) && !/\.(spec|e2e-spec|d)\.ts$/.test(name)) files.push(path);
  }
  return files;
}

/** The variables a set of source files reads or validates; `sources` maps absolute paths to their text. */
function codeVariables(sources: Map<string, string>): CodeVariables {
  const parsed = new Map<string, ts.SourceFile>();
  const parse = (file: string) => {
    let source = parsed.get(file);
    if (!source) {
      source = ts.createSourceFile(file, sources.get(file) ?? '', ts.ScriptTarget.Latest, true);
      parsed.set(file, source);
    }
    return source;
  };
  const read = new Map<string, string[]>();
  const unreadable: string[] = [];
  const where = (node: ts.Node) => {
    const source = node.getSourceFile();
    return `${relative(ROOT, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const add = (name: string, node: ts.Node) => {
    if (NOT_OURS.has(name)) return;
    read.set(name, [...(read.get(name) ?? []), where(node)]);
  };

  /** The class declaration `name` in `file`, or in the file it is imported from. */
  const findClass = (file: string, name: string, seen = new Set<string>()): ts.ClassDeclaration | undefined => {
    if (seen.has(`${file}#${name}`) || !sources.has(file)) return undefined;
    seen.add(`${file}#${name}`);
    const source = parse(file);
    for (const statement of source.statements) {
      if (ts.isClassDeclaration(statement) && statement.name?.text === name) return statement;
    }
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      const imported = bindings.elements.find((element) => element.name.text === name);
      if (!imported) continue;
      const target = resolve(dirname(file), statement.moduleSpecifier.text.replace(/\.js$/, '.ts'));
      return findClass(target, imported.propertyName?.text ?? name, seen);
    }
    return undefined;
  };

  /** The variables an env class declares: its properties, and its base class's. */
  const classVariables = (file: string, declaration: ts.ClassDeclaration): void => {
    for (const member of declaration.members) {
      if (!ts.isPropertyDeclaration(member)) continue;
      const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
      if (name && VARIABLE.test(name)) add(name, member);
      else unreadable.push(`${where(member)}: env class ${declaration.name?.text} has a property that is not a variable name`);
    }
    for (const clause of declaration.heritageClauses ?? []) {
      for (const type of clause.types) {
        const base = ts.isIdentifier(type.expression) ? findClass(file, type.expression.text) : undefined;
        if (base) classVariables(base.getSourceFile().fileName, base);
        else unreadable.push(`${where(type)}: cannot find the base class ${type.expression.getText()} of an env class`);
      }
    }
  };

  const isProcessEnv = (node: ts.Node) => ts.isPropertyAccessExpression(node) && node.name.text === 'env' && node.expression.getText() === 'process';
  const isConfigEnvironment = (node: ts.Node) => ts.isCallExpression(node) && node.expression.getText() === 'configEnvironment';

  for (const file of sources.keys()) {
    const source = parse(file);
    /** Local names bound to the environment: `const env = process.env`, `(env: NodeJS.ProcessEnv)`. */
    const environments = new Set<string>();
    const isEnvironment = (node: ts.Node): boolean =>
      isProcessEnv(node) || isConfigEnvironment(node) || (ts.isIdentifier(node) && environments.has(node.text));

    const collectBindings = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && node.initializer && (isProcessEnv(node.initializer) || isConfigEnvironment(node.initializer))) {
        if (ts.isIdentifier(node.name)) environments.add(node.name.text);
        else if (ts.isObjectBindingPattern(node.name)) {
          for (const element of node.name.elements) {
            const key = element.propertyName ?? element.name;
            if (ts.isIdentifier(key) && VARIABLE.test(key.text)) add(key.text, element);
          }
        }
      }
      if (ts.isParameter(node) && node.type && /\bProcessEnv\b/.test(node.type.getText()) && ts.isIdentifier(node.name)) {
        environments.add(node.name.text);
      }
      ts.forEachChild(node, collectBindings);
    };
    collectBindings(source);

    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && isEnvironment(node.expression) && VARIABLE.test(node.name.text)) {
        add(node.name.text, node);
      }
      if (ts.isElementAccessExpression(node) && isEnvironment(node.expression) && ts.isStringLiteralLike(node.argumentExpression)) {
        if (VARIABLE.test(node.argumentExpression.text)) add(node.argumentExpression.text, node);
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'validateEnv') {
        const [schema] = node.arguments;
        const declaration = schema && ts.isIdentifier(schema) ? findClass(file, schema.text) : undefined;
        if (declaration) classVariables(file, declaration);
        else
          unreadable.push(
            `${where(node)}: validateEnv(${schema?.getText() ?? ''}): pass the env class by its name, declared or imported in this file`,
          );
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { read, unreadable };
}

/** `# NAME=value` (or `NAME=value`) lines, and `# Renamed: OLD is now NEW` lines, of the example file. */
function exampleVariables(text: string) {
  const values = new Map<string, string>();
  const renamed = new Map<string, string>();
  for (const line of text.split('\n')) {
    const variable = /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (variable) values.set(variable[1], variable[2].trim());
    const rename = /^# Renamed: ([A-Z][A-Z0-9_]*) is now ([A-Z][A-Z0-9_]*)\b/.exec(line);
    if (rename) renamed.set(rename[1], rename[2]);
  }
  return { values, renamed };
}

/** Table rows of the docs page whose first cell is one variable: name → the second cell. */
function documentedVariables(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const [, name, second] of text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(.*?)\s*\|/gm)) rows.set(name, second);
  return rows;
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const missingFrom = (names: Iterable<string>, list: { has(name: string): boolean }) => sorted([...names].filter((name) => !list.has(name)));

describe('the configuration list: code, config/.env.example and docs/configuration.md agree', () => {
  const sources = new Map(sourceFiles(join(ROOT, 'src')).map((file) => [file, readFileSync(file, 'utf8')]));
  const code = codeVariables(sources);
  const example = exampleVariables(readFileSync(join(ROOT, EXAMPLE), 'utf8'));
  const exampleNames = new Set([...example.values.keys(), ...example.renamed.keys()]);
  const docs = documentedVariables(readFileSync(join(ROOT, DOCS), 'utf8'));

  it('the code is read completely: every validateEnv() gets an env class the test can follow', () => {
    expect(code.unreadable).toEqual([]);
    // The derivation found the env classes and the tools' own reads (a broken walk finds nothing).
    for (const known of ['PORT', 'DATABASE_URL', 'WHATSAPP_APP_SECRET', 'FLOW_MEDIA_HOSTS', 'INVENTORY_PAGE_SIZE', 'FLOWGATE_URL']) {
      expect([known, code.read.has(known)]).toEqual([known, true]);
    }
  });

  it(`every variable the code reads or validates is in ${EXAMPLE} and ${DOCS}`, () => {
    const where = (names: string[]) => names.map((name) => `${name} (read at ${code.read.get(name)!.join(', ')})`);
    expect({
      [`missing from ${EXAMPLE}`]: where(missingFrom(code.read.keys(), exampleNames)),
      [`missing from ${DOCS}`]: where(missingFrom(code.read.keys(), docs)),
    }).toEqual({ [`missing from ${EXAMPLE}`]: [], [`missing from ${DOCS}`]: [] });
  });

  it(`every variable ${EXAMPLE} and ${DOCS} name is read by the code`, () => {
    expect({
      [`in ${EXAMPLE}, read by nothing`]: missingFrom(exampleNames, code.read),
      [`in ${DOCS}, read by nothing`]: missingFrom(docs.keys(), code.read),
    }).toEqual({ [`in ${EXAMPLE}, read by nothing`]: [], [`in ${DOCS}, read by nothing`]: [] });
  });

  it('a renamed variable is documented as renamed in both, pointing to a variable that exists', () => {
    for (const [old, current] of example.renamed) {
      expect([old, docs.get(old)]).toEqual([old, `\`${current}\``]);
      expect([current, example.values.has(current)]).toEqual([current, true]);
    }
  });

  it(`a default written in both ${EXAMPLE} and ${DOCS} is the same`, () => {
    const disagree: string[] = [];
    for (const [name, cell] of docs) {
      const literal = /^`([^`$]*)`$/.exec(cell)?.[1];
      const value = example.values.get(name);
      if (literal !== undefined && value && value !== literal) disagree.push(`${name}: ${DOCS} says ${literal}, ${EXAMPLE} says ${value}`);
    }
    expect(disagree).toEqual([]);
  });

  it('the derivation catches a variable added any of the ways the code reads them', () => {
    const dir = join(ROOT, 'src', '__example__');
    const found = codeVariables(
      new Map([
        [
          join(dir, 'tracing.config.ts'),
          `import { BaseEnv } from './base.js';
           class TracingEnv extends BaseEnv { @IsOptional() @IsUrl() OTEL_EXPORTER_OTLP_ENDPOINT?: string; @EnvInt({ min: 1, message: 'x' }) OTEL_SAMPLE_PERCENT?: number; }
           export const tracingConfig = registerAs('tracing', () => validateEnv(TracingEnv));`,
        ],
        [join(dir, 'base.ts'), `export class BaseEnv { @IsOptional() @IsString() TENANT_ID?: string; }`],
        [
          join(dir, 'tool.ts'),
          `const url = process.env.PROBE_URL ?? process.env['PROBE_FALLBACK'];
           const env = configEnvironment(); const t = env.PROBE_TIMEOUT_MS;
           const { PROBE_TOKEN } = process.env;
           function read(vars: NodeJS.ProcessEnv) { return vars.PROBE_REGION; }
           const mystery = validateEnv(pickSchema());`,
        ],
      ]),
    );
    expect(sorted(found.read.keys())).toEqual(
      sorted([
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_SAMPLE_PERCENT',
        'TENANT_ID',
        'PROBE_URL',
        'PROBE_FALLBACK',
        'PROBE_TIMEOUT_MS',
        'PROBE_TOKEN',
        'PROBE_REGION',
      ]),
    );
    expect(found.unreadable).toEqual([expect.stringMatching(/validateEnv\(pickSchema\(\)\): pass the env class by its name/)]);
  });
});
