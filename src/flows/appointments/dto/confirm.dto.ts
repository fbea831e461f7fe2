import { IsBoolean } from 'class-validator';

/** CONFIRM screen: the button sends `confirm: true`; what is booked comes from the session. */
export class ConfirmDto {
  @IsBoolean()
  confirm: boolean;
}
