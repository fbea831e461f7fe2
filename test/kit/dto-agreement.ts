import { getMetadataStorage } from 'class-validator';
import type { Type } from '@nestjs/common';
import { flowHandlerOf, flowMetadataOf } from '../../src/flows-core/server.js';
import type { FieldModel, FlowTypesModel } from '../../src/tools/flow-types-generator.js';

/** The JSON type each class-validator type check accepts. */
const VALIDATOR_KINDS: Record<string, FieldModel['kind']> = {
  isString: 'string',
  isUuid: 'string',
  isEmail: 'string',
  matches: 'string',
  isDateString: 'string',
  isISO8601: 'string',
  isPhoneNumber: 'string',
  isUrl: 'string',
  isInt: 'number',
  isNumber: 'number',
  isBoolean: 'boolean',
  isArray: 'array',
  isObject: 'object',
};

export interface DtoShape {
  kind?: FieldModel['kind'];
  optional: boolean;
}

/** What a DTO validates, property by property, from class-validator's metadata. */
export function dtoShape(dto: Type<unknown>): Record<string, DtoShape> {
  const shape: Record<string, DtoShape> = {};
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const property = (shape[metadata.propertyName] ??= { optional: false });
    if (metadata.name === 'isOptional') property.optional = true;
    const kind = metadata.name ? VALIDATOR_KINDS[metadata.name] : undefined;
    if (kind) property.kind = kind;
  }
  return shape;
}

/** The payload of a screen as one shape: a key is optional when some action does not send it or may leave it out. */
export function payloadShape(model: FlowTypesModel, screen: string): Record<string, DtoShape> {
  const actions = model.payloads[screen] ?? [];
  const keys = new Set(actions.flatMap((fields) => Object.keys(fields)));
  return Object.fromEntries(
    [...keys].map((key) => {
      const fields = actions.map((action) => action[key]);
      const kinds = new Set(fields.filter(Boolean).map((field) => field.kind));
      return [key, { kind: kinds.size === 1 ? [...kinds][0] : undefined, optional: fields.some((field) => !field || field.optional) }];
    }),
  );
}

/** Each data_exchange handler of a @Flow class with the DTO class of its payload parameter (the first). */
export function screenHandlers(flowClass: Type<unknown>): Array<{ method: string; screen: string; dto: unknown }> {
  const prototype = flowClass.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((method) => typeof prototype[method] === 'function' && method !== 'constructor')
    .flatMap((method) => {
      const kind = flowHandlerOf(prototype[method] as object);
      if (kind?.action !== 'data_exchange') return [];
      const [dto] = (Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined) ?? [];
      return [{ method, screen: kind.screen, dto }];
    });
}

export const flowMetadata = (candidate: unknown) => flowMetadataOf(candidate as object);
