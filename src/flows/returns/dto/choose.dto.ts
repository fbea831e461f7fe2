import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

const blankIsUnset = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** CHOOSE screen: one of the user's reservations or a product id, and what is wrong. */
export class ChooseDto {
  @IsOptional()
  @Transform(blankIsUnset)
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'Please choose one of your reservations' })
  reservation?: string;

  @IsOptional()
  @Transform(blankIsUnset)
  @IsString()
  @Length(2, 32, { message: 'A product id has 2 to 32 characters, for example PROD-99' })
  product_id?: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Please say what is wrong with the product' })
  @Length(3, 600, { message: 'Please say what is wrong in 3 to 600 characters' })
  problem: string;
}
