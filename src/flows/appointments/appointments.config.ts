import { registerAs } from '@nestjs/config';
import { IsOptional, IsTimeZone } from 'class-validator';
import { validateEnv } from '../../config/index.js';

class AppointmentsEnv {
  @IsOptional()
  @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Lisbon' })
  APPOINTMENTS_TIME_ZONE?: string;
}

export const appointmentsConfig = registerAs('appointments', () => {
  const env = validateEnv(AppointmentsEnv);
  return {
    /** Dates and times are shown, and days are cut, in this time zone. */
    timeZone: env.APPOINTMENTS_TIME_ZONE ?? 'UTC',
    /** How far ahead the date list looks. */
    daysAhead: 14,
    /** At most this many dates in the date list. */
    maxDates: 7,
  };
});
