import { existsSync } from 'node:fs';
import type { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { ConfigModule, type ConfigFactory } from '@nestjs/config';

type ModuleRef = Type | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;

/**
 * The configuration namespaces a module tree registers: each module lists its own with
 * `ConfigModule.forFeature(namespace)`, so there is no second list to keep in step with the modules.
 */
export function configNamespacesOf(root: Type | DynamicModule): ConfigFactory[] {
  const found = new Set<ConfigFactory>();
  const seen = new Set<unknown>();
  const visit = (ref: ModuleRef): void => {
    if (!ref || ref instanceof Promise || seen.has(ref)) return;
    seen.add(ref);
    if ('forwardRef' in ref) return visit(ref.forwardRef() as ModuleRef);
    const dynamic = 'module' in ref ? ref : undefined;
    const type = dynamic ? dynamic.module : (ref as Type);
    if (dynamic && type === ConfigModule) {
      for (const provider of (dynamic.providers ?? []) as Array<Provider & { useFactory?: ConfigFactory }>) {
        if (typeof provider === 'object' && typeof provider.useFactory === 'function' && 'KEY' in provider.useFactory) found.add(provider.useFactory);
      }
    }
    const imports: ModuleRef[] = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []), ...(dynamic?.imports ?? [])];
    imports.forEach(visit);
  };
  visit(root);
  return [...found];
}

/**
 * Reads and validates every namespace of the module tree; throws ConfigValidationError with one line
 * on the first bad one. Validation results are kept for the application (see withConfiguration), so
 * Nest's own reads of the namespaces validate nothing twice.
 */
export function assertValidConfiguration(root: Type | DynamicModule): void {
  for (const namespace of configNamespacesOf(root)) namespace();
}

/**
 * Reads `.env` from the working directory when present; variables already set in the
 * environment win. Tests (NODE_ENV=test) take their configuration from the environment only.
 */
export function loadEnvFile(path = '.env'): void {
  if (process.env.NODE_ENV !== 'test' && existsSync(path)) process.loadEnvFile(path);
}
