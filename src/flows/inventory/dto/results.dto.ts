import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

/** RESULTS screen: either a chosen product, or the next page of the same search. */
export class ResultsDto {
  @IsOptional()
  @IsString({ message: 'Please choose a product' })
  @Length(1, 64, { message: 'Please choose a product' })
  product_id?: string;

  @IsOptional()
  @IsString()
  @Length(2, 64)
  query?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  page?: number;
}
