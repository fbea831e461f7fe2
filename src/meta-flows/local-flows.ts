import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import type { DynamicModule, Type } from '@nestjs/common';
import { flowMetadataOf, type FlowMetadata, type FlowRegistry } from '../flows-core/server.js';

/** A flow module as the Flows API tooling sees it: its name, what Meta needs and its Flow JSON file. */
export interface LocalFlow {
  /** The flow's name here: its endpoint is /flows/<name>. */
  name: string;
  /** Its name at Meta (`meta.name`, default the flow's name). */
  metaName: string;
  /** Which flow tokens the endpoint accepts (`issued`: only tokens Flowgate issued). */
  tokens: 'issued' | 'any';
  /** Undefined when the module's @Flow has no `meta` option. */
  categories?: string[];
  /** Absolute path of the Flow JSON that is uploaded (the source file when present). */
  flowJsonFile: string;
  /** The same path relative to the working directory, for messages (src/flows/x/x.flow.json). */
  displayFile: string;
}

/**
 * The source file of a Flow JSON: the build copies `src/**\/*.flow.json` to `dist/src/`, and the
 * source is what a person edits, so messages and uploads use it when it exists.
 */
function sourceOf(file: string): string {
  const source = file.replace(/([/\\])dist[/\\]src([/\\])/, '$1src$2');
  return source !== file && existsSync(source) ? source : file;
}

export function toLocalFlow(metadata: FlowMetadata, flowJsonFile: string): LocalFlow {
  const file = sourceOf(flowJsonFile);
  return {
    name: metadata.name,
    metaName: metadata.meta?.name ?? metadata.name,
    tokens: metadata.tokens ?? 'issued',
    categories: metadata.meta?.categories,
    flowJsonFile: file,
    displayFile: relative(process.cwd(), file) || file,
  };
}

/**
 * The flows of a list of modules (src/flows/index.ts), read from their metadata without creating the
 * application: no database, cache or queue is started, so the CLI stays fast and runs anywhere.
 */
export function localFlowsOf(modules: Array<Type | DynamicModule>): LocalFlow[] {
  const flows: LocalFlow[] = [];
  const seen = new Set<unknown>();
  const visit = (entry: Type | DynamicModule | undefined) => {
    if (!entry || seen.has(entry)) return;
    seen.add(entry);
    const module = 'module' in entry ? entry.module : entry;
    const providers = [
      ...((Reflect.getMetadata(MODULE_METADATA.PROVIDERS, module) as unknown[]) ?? []),
      ...(('providers' in entry && entry.providers) || []),
    ];
    for (const provider of providers) {
      const type = typeof provider === 'function' ? provider : (provider as { useClass?: Type })?.useClass;
      const metadata = type ? flowMetadataOf(type) : undefined;
      if (metadata) flows.push(toLocalFlow(metadata, fileURLToPath(metadata.flowJson)));
    }
    const imports = [
      ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) as unknown[]) ?? []),
      ...(('imports' in entry && entry.imports) || []),
    ];
    for (const imported of imports)
      if (typeof imported === 'function' || (imported && typeof imported === 'object' && 'module' in imported)) visit(imported as Type);
  };
  for (const module of modules) visit(module);
  return flows;
}

/** The flows the running application registered (the admin API). */
export function localFlowsOfRegistry(registry: FlowRegistry): LocalFlow[] {
  return registry.names().map((name) => {
    const flow = registry.get(name)!;
    return toLocalFlow(flow.metadata, flow.flowJsonFile);
  });
}

export const readFlowJsonText = (flow: LocalFlow) => readFileSync(flow.flowJsonFile, 'utf8');
