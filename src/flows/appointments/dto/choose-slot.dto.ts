import { Transform } from 'class-transformer';
import { IsEmail, IsString, IsUUID, Length } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ChooseSlotDto {
  @IsUUID('all', { message: 'Please choose a time' })
  slot: string;

  @Transform(trim)
  @IsString({ message: 'Please enter your name' })
  @Length(2, 80, { message: 'Please enter your name (2 to 80 characters)' })
  name: string;

  @Transform(trim)
  @IsEmail({}, { message: 'Please enter a valid email address' })
  @Length(3, 254, { message: 'Please enter a valid email address' })
  email: string;
}
