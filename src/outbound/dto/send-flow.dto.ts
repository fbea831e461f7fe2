import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { BSUID, E164 } from '../../flows-core/server.js';

const E164_MESSAGE = 'must be a phone number in E.164 format, e.g. +351910000000';
const USER_ID_MESSAGE = 'user_id must be a business-scoped user id, e.g. US.13491208655302741918 (or a parent one, US.ENT.…)';

/**
 * A person to send to: a phone number (`phoneField`), a business-scoped user id (`user_id`), or both,
 * at least one. Without either, both are checked, so the answer names both ways to fix it.
 */
const PhoneOf = (field: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, description: 'E.164 phone number; give it, user_id, or both' }),
    ValidateIf((dto: { user_id?: unknown }, value: unknown) => value !== undefined || dto.user_id === undefined),
    Matches(E164, { message: `${field} ${E164_MESSAGE} (or give user_id, the business-scoped user id)` }),
  );
const UserIdOf = (phoneField: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      description: `Business-scoped user id (BSUID) or parent BSUID, sent to Meta as recipient; give it, ${phoneField}, or both (${phoneField} wins at Meta)`,
    }),
    ValidateIf((dto: Record<string, unknown>, value: unknown) => value !== undefined || dto[phoneField] === undefined),
    Matches(BSUID, { message: `${USER_ID_MESSAGE} (or give ${phoneField})` }),
  );

/** Optional lifetime of an issued flow token: one minute to 30 days. */
const ExpiresInSeconds = () =>
  applyDecorators(
    ApiPropertyOptional({ type: Number }),
    IsOptional(),
    IsInt({ message: 'expires_in_s must be a whole number of seconds' }),
    Min(60, { message: 'expires_in_s must be at least 60' }),
    Max(30 * 24 * 3600, { message: 'expires_in_s must be at most 30 days' }),
  );

export class IssueSessionDto {
  @PhoneOf('phone')
  phone?: string;

  @UserIdOf('phone')
  user_id?: string;

  @ExpiresInSeconds()
  expires_in_s?: number;
}

export class SendFlowDto {
  @PhoneOf('to')
  to?: string;

  @UserIdOf('to')
  user_id?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @Matches(/^\d{1,30}$/, { message: 'flow_id must be the numeric id of the flow' })
  flow_id?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @Length(1, 200, { message: 'flow_name must be 1 to 200 characters' })
  flow_name?: string;

  @ApiProperty({ type: String })
  @IsString()
  @Length(1, 20, { message: 'cta must be 1 to 20 characters' })
  @Matches(/^[^\p{Extended_Pictographic}]*$/u, { message: 'cta cannot contain emoji' })
  cta: string;

  @ApiProperty({ type: String })
  @IsString()
  @Length(1, 1024, { message: 'body must be 1 to 1024 characters' })
  body: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @Length(1, 60, { message: 'header must be 1 to 60 characters' })
  header?: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  @Length(1, 60, { message: 'footer must be 1 to 60 characters' })
  footer?: string;

  /** Opens the flow on this screen (flow_action navigate); without it the endpoint gets INIT. */
  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @Matches(/^[A-Za-z_]+$/, { message: 'screen must be a screen id (letters and underscores)' })
  screen?: string;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject({ message: 'data must be an object' })
  data?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, enum: ['published', 'draft'] })
  @IsOptional()
  @IsIn(['published', 'draft'], { message: 'mode must be published or draft' })
  mode?: 'published' | 'draft';

  @ExpiresInSeconds()
  expires_in_s?: number;
}

export class SendTextDto {
  @PhoneOf('to')
  to?: string;

  @UserIdOf('to')
  user_id?: string;

  @ApiProperty({ type: String })
  @IsString()
  @Length(1, 4096, { message: 'text must be 1 to 4096 characters' })
  text: string;

  @ApiPropertyOptional({ type: String, enum: ['cloud', 'wasender'] })
  @IsOptional()
  @IsIn(['cloud', 'wasender'], { message: 'channel must be cloud or wasender' })
  channel?: 'cloud' | 'wasender';
}
