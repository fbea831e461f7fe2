import { Body, Controller, HttpCode, Param, Post, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { IssueSessionDto, SendFlowDto, SendTextDto } from './dto/send-flow.dto.js';
import { FlowMessages } from './flow-messages.service.js';

const validate = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

/** Admin API for starting flows: issue a token, send a flow message, send a trigger text. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
@ApiTags('flows and messages')
@ApiBearerAuth()
@UsePipes(validate)
export class OutboundAdminController {
  constructor(private readonly messages: FlowMessages) {}

  @Post('flows/:flow/sessions')
  issueSession(@Param('flow') flow: string, @Body() dto: IssueSessionDto) {
    return this.messages.issueSession(flow, dto);
  }

  @Post('flows/:flow/send')
  @HttpCode(200)
  sendFlow(@Param('flow') flow: string, @Body() dto: SendFlowDto) {
    return this.messages.sendFlow(flow, dto);
  }

  @Post('messages/text')
  @HttpCode(200)
  sendText(@Body() dto: SendTextDto) {
    return this.messages.sendText(dto);
  }
}
