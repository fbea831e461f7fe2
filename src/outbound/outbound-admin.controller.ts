import { Body, Controller, HttpCode, Param, Post, Query, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { IssueSessionDto, SendFlowDto, SendTextDto } from './dto/send-flow.dto.js';
import { FlowMessages } from './flow-messages.service.js';

const validate = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

const TENANT = { name: 'tenant', required: false, description: "A tenant's name (TENANTS_DIR): its token, its number and Graph token" };
const FROM = { name: 'from', required: false, description: 'With tenant: which of its phone number ids sends (default: its first)' };

/**
 * Admin API for starting flows: issue a token, send a flow message, send a trigger text. `?tenant=`
 * does it for a tenant: the token is that tenant's (only its endpoint accepts it) and the message
 * goes out from its number with its token.
 */
@Controller('admin')
@UseGuards(AdminTokenGuard)
@ApiTags('flows and messages')
@ApiBearerAuth()
@UsePipes(validate)
export class OutboundAdminController {
  constructor(private readonly messages: FlowMessages) {}

  @Post('flows/:flow/sessions')
  @ApiQuery(TENANT)
  issueSession(@Param('flow') flow: string, @Body() dto: IssueSessionDto, @Query('tenant') tenant?: string) {
    return this.messages.issueSession(flow, dto, { tenant });
  }

  @Post('flows/:flow/send')
  @HttpCode(200)
  @ApiQuery(TENANT)
  @ApiQuery(FROM)
  sendFlow(@Param('flow') flow: string, @Body() dto: SendFlowDto, @Query('tenant') tenant?: string, @Query('from') from?: string) {
    return this.messages.sendFlow(flow, dto, { tenant, from });
  }

  @Post('messages/text')
  @HttpCode(200)
  @ApiQuery(TENANT)
  @ApiQuery(FROM)
  sendText(@Body() dto: SendTextDto, @Query('tenant') tenant?: string, @Query('from') from?: string) {
    return this.messages.sendText(dto, { tenant, from });
  }
}
