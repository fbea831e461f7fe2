import { IsString, Length, Matches } from 'class-validator';

export class ChooseServiceDto {
  @IsString({ message: 'Please choose a service' })
  @Length(1, 64, { message: 'Please choose a service' })
  service: string;

  @IsString({ message: 'Please choose a date' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Please choose a date' })
  date: string;
}
