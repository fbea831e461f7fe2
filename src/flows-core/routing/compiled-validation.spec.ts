import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  getMetadataStorage,
  validate,
  type ValidationError,
} from 'class-validator';
import { CompiledValidationPipe, validateCompiled } from './compiled-validation.js';

class Line {
  @IsString() @Length(1, 20) sku: string;
  @IsInt({ message: 'Please enter a whole number of units' }) @Min(1) @Max(10) quantity: number;
}

class Order {
  @IsString() @Length(2, 8) @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) code: string;
  @IsOptional() @IsEmail() email?: string;
  @IsIn(['pickup', 'delivery']) mode: string;
  @ValidateIf((order: Order) => order.mode === 'delivery')
  @IsString()
  @Matches(/^\d{4}-\d{3}$/, { message: 'Use a postcode like 1000-001' })
  postcode?: string;
  @IsArray() @ArrayMaxSize(3) @ValidateNested({ each: true }) @Type(() => Line) lines: Line[];
  @IsOptional() @IsString({ each: true }) tags?: string[];
}

/** What a client sees of the errors: property paths and messages, in order. */
function summary(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.entries(error.constraints ?? {}).map(([type, message]) => `${path}${error.property} ${type}: ${message}`),
    ...summary(error.children ?? [], `${path}${error.property}.`),
  ]);
}

const options = { whitelist: true, forbidUnknownValues: false };
const inputs: Array<Record<string, unknown>> = [
  { code: ' AB12 ', mode: 'pickup', lines: [{ sku: 'PROD-99', quantity: 2 }] },
  { code: 'X', mode: 'boat', lines: 'many' },
  { code: 'ABCD', mode: 'delivery', postcode: '1000', lines: [] },
  { code: 'ABCD', mode: 'delivery', postcode: '1000-001', email: 'not-an-email', lines: [{ sku: '', quantity: 0 }, { quantity: 11.5 }] },
  {
    code: 42,
    mode: 'pickup',
    lines: [
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 1 },
      { sku: 'C', quantity: 1 },
      { sku: 'D', quantity: 1 },
    ],
  },
  { code: 'ABCD', mode: 'pickup', lines: [], tags: ['a', 7], extra: 'stripped', __proto__: { polluted: true } },
  {},
];

describe('validateCompiled: class-validator with its metadata looked up once per class', () => {
  it.each(inputs.map((input, i) => [i, input]))('input %i: the same errors as class-validator, and the same whitelisting', async (_, input) => {
    const { plainToInstance } = await import('class-transformer');
    const expected = plainToInstance(Order, structuredClone(input));
    const actual = plainToInstance(Order, structuredClone(input));
    const expectedErrors = summary(await validate(expected, options));
    const actualErrors = summary(await validateCompiled(actual, options));
    expect(actualErrors).toEqual(expectedErrors);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  });

  it("reads a class's rules from class-validator's storage once, however many times it validates", async () => {
    const storage = getMetadataStorage();
    const original = storage.getTargetValidationMetadatas.bind(storage);
    const targets: unknown[] = [];
    storage.getTargetValidationMetadatas = (target, ...rest) => {
      targets.push(target);
      return original(target, ...rest);
    };
    try {
      class Fresh {
        @IsInt() n: number;
      }
      for (let i = 0; i < 5; i++)
        expect(summary(await validateCompiled(Object.assign(new Fresh(), { n: i ? i : 'x' }), options))).toHaveLength(i ? 0 : 1);
      expect(targets.filter((target) => target === Fresh)).toHaveLength(1);
    } finally {
      storage.getTargetValidationMetadatas = original;
    }
  });

  it('CompiledValidationPipe answers exactly as ValidationPipe: the entity on success, the same 400 body on failure', async () => {
    const settings = { transform: true, whitelist: true, forbidUnknownValues: false, validateCustomDecorators: true };
    const pipes = [new ValidationPipe(settings), new CompiledValidationPipe(settings)];
    const metadata = { type: 'custom' as const, metatype: Order };
    for (const input of inputs) {
      const [expected, actual] = await Promise.all(
        pipes.map((pipe) =>
          Promise.resolve(pipe.transform(structuredClone(input), metadata)).then(
            (value) => ({ value }),
            (error: BadRequestException) => ({ error: error.getResponse() }),
          ),
        ),
      );
      expect(actual).toEqual(expected);
    }
  });
});
