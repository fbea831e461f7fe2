import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { ConfigModule, type ConfigFactory } from '@nestjs/config';
import { visitModules } from '../common/module-tree.js';

/**
 * The configuration namespaces a module tree registers: each module lists its own with
 * `ConfigModule.forFeature(namespace)`, so there is no second list to keep in step with the modules.
 */
export function configNamespacesOf(root: Type | DynamicModule): ConfigFactory[] {
  const found = new Set<ConfigFactory>();
  visitModules(root, (type, dynamic) => {
    if (!dynamic || type !== ConfigModule) return;
    for (const provider of (dynamic.providers ?? []) as Array<Provider & { useFactory?: ConfigFactory }>) {
      if (typeof provider === 'object' && typeof provider.useFactory === 'function' && 'KEY' in provider.useFactory) found.add(provider.useFactory);
    }
  });
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
