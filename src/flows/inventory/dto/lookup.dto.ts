import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

/** INVENTORY screen: a product id, or the start of a product name to search for. */
export class LookupDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Please type a product id, for example PROD-99' })
  @Length(2, 64, { message: 'Please type a product id, for example PROD-99' })
  product_id: string;
}
