import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** An optional whole-number variable within [min, max]; every failure reports `message`. */
export function EnvInt(options: { min: number; max?: number; message: string }): PropertyDecorator {
  const { min, max, message } = options;
  return applyDecorators(
    IsOptional(),
    Type(() => Number),
    IsInt({ message }),
    Min(min, { message }),
    ...(max === undefined ? [] : [Max(max, { message })]),
  );
}
