import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

/** What the START screen sends. The messages are shown to the user. */
export class StartDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Please enter your name' })
  @Length(1, 80, { message: 'Please enter your name (up to 80 characters)' })
  name: string;
}
