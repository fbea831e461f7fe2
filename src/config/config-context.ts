import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClassConstructor } from 'class-transformer';

/** The environment an application is configured from, and what was validated from it. */
interface ConfigContext {
  env: NodeJS.ProcessEnv;
  /** Each env class is validated once per application, however often its namespace is read. */
  validated: Map<ClassConstructor<object>, object>;
}

const contexts = new AsyncLocalStorage<ConfigContext>();

/** Variables to set (a string) or to remove (`undefined`) on top of `process.env`. */
export type EnvOverrides = Record<string, string | undefined>;

/**
 * Runs `fn` (the creation of one application) with its own configuration: `process.env` with
 * `overrides` on top, never written back to `process.env`. Namespaces read while `fn` runs see it;
 * a nested call without overrides keeps the enclosing one.
 */
export function withConfiguration<T>(overrides: EnvOverrides | undefined, fn: () => T): T {
  if (!overrides && contexts.getStore()) return fn();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return contexts.run({ env, validated: new Map() }, fn);
}

/** The environment configuration reads: the current application's, else `process.env`. */
export function configEnvironment(): NodeJS.ProcessEnv {
  return contexts.getStore()?.env ?? process.env;
}

/** The validated instance of `schema` for the current application, computed by `validate` once. */
export function validatedOnce<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv, validate: () => T): T {
  const context = contexts.getStore();
  if (!context || env !== context.env) return validate();
  const known = context.validated.get(schema) as T | undefined;
  if (known) return known;
  const instance = validate();
  context.validated.set(schema, instance);
  return instance;
}
