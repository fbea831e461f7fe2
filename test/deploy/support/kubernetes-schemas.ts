import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../support/server-process.js';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** kubernetes-models' module of an apiVersion: `apps/v1` → `apps/v1`, `v1` → `v1`. */
const modulePath = (apiVersion: string) => `kubernetes-models/${apiVersion}`;

/**
 * Validates objects offline against Kubernetes' OpenAPI schemas, twice: kubernetes-models' JSON
 * schema validation (types, required fields, formats) and a TypeScript check of each object against
 * the same models' types, whose excess-property check finds the fields Kubernetes does not know
 * (a misspelt `readOnlyRootFilesystm` would otherwise be dropped silently by the API server).
 * Returns one line per problem.
 */
export async function validateAgainstSchemas(objects: KubernetesObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const where = `${object.kind}/${object.metadata?.name}`;
    let models: Record<string, new (data: unknown) => { validate(): void }>;
    try {
      models = (await import(modulePath(object.apiVersion))) as typeof models;
    } catch {
      problems.push(`${where}: unknown apiVersion ${object.apiVersion}`);
      continue;
    }
    const Model = models[object.kind];
    if (!Model) {
      problems.push(`${where}: unknown kind ${object.kind} in ${object.apiVersion}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  return [...problems, ...typeCheck(objects)];
}

function typeCheck(objects: KubernetesObject[]): string[] {
  // Inside the project, so that kubernetes-models resolves from its node_modules.
  const dir = mkdtempSync(join(PROJECT_ROOT, 'node_modules/.cache-k8s-'));
  try {
    const file = join(dir, 'manifests.ts');
    const source = objects
      .map(
        (object, i) =>
          `import type { I${object.kind} as T${i} } from '${modulePath(object.apiVersion)}/${object.kind}';\n` +
          `// ${object.kind}/${object.metadata?.name}\nexport const object${i}: T${i} = ${JSON.stringify(object, null, 1)};\n`,
      )
      .join('\n');
    writeFileSync(file, source);
    const program = ts.createProgram([file], {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      types: [],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      // Name the object the problem is in: the comment above its declaration.
      const before = diagnostic.file.text.slice(0, diagnostic.start);
      const name = [...before.matchAll(/^\/\/ (.+)$/gm)].at(-1)?.[1] ?? '?';
      return `${name}: ${message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
