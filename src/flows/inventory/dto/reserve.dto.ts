import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

const QUANTITY = 'Please enter how many units to reserve (1 to 100)';

/** AVAILABILITY screen: reserve `quantity` units, optionally from one warehouse. */
export class ReserveDto {
  @IsString()
  @Length(2, 64)
  product_id: string;

  // TextInput values arrive as strings, even with input-type number.
  @Type(() => Number)
  @IsInt({ message: QUANTITY })
  @Min(1, { message: QUANTITY })
  @Max(100, { message: QUANTITY })
  quantity: number;

  @IsOptional()
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsString()
  @Length(1, 64)
  warehouse?: string;
}
