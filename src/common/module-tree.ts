import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';

type ModuleRef = Type | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;

/**
 * Visits every module a root module imports, directly or not, once each, from its metadata alone
 * (nothing is instantiated): `visit` gets the module's class and, for a dynamic module, its metadata.
 * Lets a module declare what it brings (a configuration namespace, its migrations) where it is
 * defined, with no second list to keep in step.
 */
export function visitModules(root: Type | DynamicModule, visit: (type: Type, dynamic: DynamicModule | undefined) => void): void {
  const seen = new Set<unknown>();
  const walk = (ref: ModuleRef): void => {
    if (!ref || ref instanceof Promise || seen.has(ref)) return;
    seen.add(ref);
    if ('forwardRef' in ref) return walk(ref.forwardRef() as ModuleRef);
    const dynamic = 'module' in ref ? ref : undefined;
    const type = dynamic ? dynamic.module : (ref as Type);
    visit(type, dynamic);
    const imports: ModuleRef[] = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) ?? []), ...(dynamic?.imports ?? [])];
    imports.forEach(walk);
  };
  walk(root);
}
