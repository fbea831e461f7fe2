import { createRequire } from 'node:module';
import { ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, Validator, type ValidationError, type ValidatorOptions } from 'class-validator';

/** What is used of class-validator's executor (its package exports the class, not its types, from this path). */
interface Executor {
  awaitingPromises: Promise<unknown>[];
  execute(object: object, targetSchema: string | undefined, errors: ValidationError[]): void;
  stripEmptyErrors(errors: ValidationError[]): ValidationError[];
}

// class-validator's own executor: it holds the rules of validation (conditions, `each`, nesting,
// whitelisting, messages); only where it reads its metadata is replaced below.
const { ValidationExecutor } = createRequire(import.meta.url)('class-validator/cjs/validation/ValidationExecutor.js') as {
  ValidationExecutor: new (validator: Validator, options?: ValidatorOptions) => Executor;
};

type Storage = ReturnType<typeof getMetadataStorage>;
type Metadatas = ReturnType<Storage['getTargetValidationMetadatas']>;

/**
 * class-validator's metadata, looked up once per class and then kept: validate() otherwise filters
 * every registered rule of the process for the class, groups them by property and finds each
 * constraint's instance on every call (most of what validating a small DTO costs). A view over the
 * global storage, so everything else it answers is the storage's own.
 */
function compiledStorage(storage: Storage): Storage {
  const byTarget = new Map<string, Metadatas>();
  const grouped = new WeakMap<Metadatas, ReturnType<Storage['groupByPropertyName']>>();
  const constraints = new Map<unknown, ReturnType<Storage['getTargetValidatorConstraints']>>();
  const classIds = new WeakMap<object, number>();
  let nextId = 0;
  const view = Object.create(storage) as Storage;
  view.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    // Groups select rules per call: those lookups are not kept.
    if (groups?.length) return storage.getTargetValidationMetadatas(target, schema, always, strictGroups, groups);
    let id = classIds.get(target);
    if (id === undefined) classIds.set(target, (id = ++nextId));
    const key = `${id}|${schema}|${always}|${strictGroups}`;
    let found = byTarget.get(key);
    if (!found) byTarget.set(key, (found = storage.getTargetValidationMetadatas(target, schema, always, strictGroups, groups)));
    return found;
  };
  view.groupByPropertyName = (metadatas) => {
    let found = grouped.get(metadatas);
    if (!found) grouped.set(metadatas, (found = storage.groupByPropertyName(metadatas)));
    return found;
  };
  view.getTargetValidatorConstraints = (target) => {
    let found = constraints.get(target);
    if (!found) constraints.set(target, (found = storage.getTargetValidatorConstraints(target)));
    return found;
  };
  return view;
}

let storage: Storage | undefined;
const validator = new Validator();

/** class-validator's `validate`, with its metadata looked up once per class; synchronous unless a rule is async. */
export function validateCompiled(object: object, options?: ValidatorOptions): ValidationError[] | Promise<ValidationError[]> {
  storage ??= compiledStorage(getMetadataStorage());
  const executor = new ValidationExecutor(validator, options);
  (executor as unknown as { metadataStorage: Storage }).metadataStorage = storage;
  const errors: ValidationError[] = [];
  executor.execute(object, undefined, errors);
  if (executor.awaitingPromises.length === 0) return executor.stripEmptyErrors(errors);
  return Promise.all(executor.awaitingPromises).then(() => executor.stripEmptyErrors(errors));
}

/** Nest's ValidationPipe (transformation, whitelisting, messages), validating with `validateCompiled`. */
export class CompiledValidationPipe extends ValidationPipe {
  protected override validate(object: object, options?: ValidatorOptions): ValidationError[] | Promise<ValidationError[]> {
    return validateCompiled(object, options);
  }
}
