import {
  BadGatewayException,
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FlowSessions } from '../flows-core/index.js';
import { FlowRegistry, Tenants } from '../flows-core/server.js';
import { CloudApiChannel, type CloudSender, type SentMessage } from './channels/cloud-api.channel.js';
import type { MessageChannel, Recipient } from './channels/message-channel.js';
import { WasenderChannel } from './channels/wasender.channel.js';
import type { IssueSessionDto, SendFlowDto, SendTextDto } from './dto/send-flow.dto.js';
import { GraphApiError } from '../graph-api/index.js';
import { Metrics } from '../metrics/metrics.service.js';
import { outboundConfig } from './outbound.config.js';
import { redactProviderText } from '../logging/redact-personal-data.js';

/** Provider text for a log line: it may quote the recipient (personal data) or a credential. */
const forLog = (text: string) => redactProviderText(text);

/** Whom a request addresses: its phone number field and `user_id`, as given (validated by the DTO). */
const recipientOf = (phone: string | undefined, userId: string | undefined): Recipient => ({
  ...(phone ? { phone } : {}),
  ...(userId ? { userId } : {}),
});

/**
 * Provider failures as answers: a rejection Meta explained is 422; a provider that kept failing, or
 * answered a redirect (refused, never followed), is 502.
 */
function asHttpError(error: unknown): Error {
  if (!(error instanceof GraphApiError)) return error as Error;
  const body = { message: error.message, providerStatus: error.status, ...(error.code !== undefined ? { code: error.code } : {}) };
  const redirect = error.status >= 300 && error.status < 400;
  return error.permanent && !redirect ? new UnprocessableEntityException(body) : new BadGatewayException(body);
}

/** Whom Meta says it delivered to: `wa_id` (a phone send) or `user_id` (a send to a BSUID only). */
const delivered = (sent: SentMessage) => ({ ...(sent.waId ? { wa_id: sent.waId } : {}), ...(sent.userId ? { user_id: sent.userId } : {}) });

/** Which tenant a call is for (`?tenant=`), and which of its numbers sends (`?from=`, default its first). */
export interface TenantChoice {
  tenant?: string;
  from?: string;
}

/** Starting a flow for a customer: issue a token bound to them, send the flow message, record it. */
@Injectable()
export class FlowMessages {
  private readonly logger = new Logger(FlowMessages.name);

  constructor(
    private readonly registry: FlowRegistry,
    private readonly sessions: FlowSessions,
    private readonly cloud: CloudApiChannel,
    private readonly wasender: WasenderChannel,
    @Inject(outboundConfig.KEY) private readonly config: ConfigType<typeof outboundConfig>,
    private readonly metrics: Metrics,
    private readonly tenants: Tenants,
  ) {}

  async issueSession(flow: string, dto: IssueSessionDto, choice: TenantChoice = {}) {
    this.assertFlow(flow);
    const tenant = this.tenantOf(choice)?.tenant;
    const { token, expiresAt } = await this.sessions.issue(flow, { ...recipientOf(dto.phone, dto.user_id), expiresInS: dto.expires_in_s, tenant });
    return { flow_token: token, flow, expires_at: expiresAt.toISOString(), ...(tenant ? { tenant } : {}) };
  }

  async sendFlow(flow: string, dto: SendFlowDto, choice: TenantChoice = {}) {
    this.assertFlow(flow);
    const sender = this.tenantOf(choice);
    if (Boolean(dto.flow_id) === Boolean(dto.flow_name)) throw new BadRequestException('Give exactly one of flow_id and flow_name');
    if (dto.data && !dto.screen) throw new BadRequestException('data needs a screen to open (flow_action navigate)');
    if (dto.data && Object.keys(dto.data).length === 0) throw new BadRequestException('data must not be empty when given');
    const to = recipientOf(dto.to, dto.user_id);
    const { token, expiresAt } = await this.sessions.issue(flow, { ...to, expiresInS: dto.expires_in_s, tenant: sender?.tenant });
    let sent: SentMessage;
    try {
      sent = await this.cloud.sendFlow(
        {
          to,
          flowToken: token,
          flowId: dto.flow_id,
          flowName: dto.flow_name,
          cta: dto.cta,
          body: dto.body,
          header: dto.header,
          footer: dto.footer,
          screen: dto.screen,
          data: dto.data,
          mode: dto.mode,
        },
        sender?.as,
      );
      this.metrics.outboundSends.inc({ channel: 'cloud', kind: 'flow', result: 'sent' });
    } catch (error) {
      this.metrics.outboundSends.inc({ channel: 'cloud', kind: 'flow', result: 'failed' });
      // The token was never delivered: retire it.
      await this.sessions.expire(token).catch(() => undefined);
      this.logger.warn(`Flow message for "${flow}" not sent: ${forLog((error as Error).message)}`);
      throw asHttpError(error);
    }
    // The completion of a flow without a data endpoint names no token: it finds its session by this id.
    await this.sessions.recordOutboundMessage(token, sent.messageId ?? null);
    return { flow_token: token, message_id: sent.messageId, expires_at: expiresAt.toISOString(), ...delivered(sent) };
  }

  /** A plain text (e.g. an invitation to open a flow) through the chosen channel, or the configured one. */
  async sendText(dto: SendTextDto, choice: TenantChoice = {}) {
    const sender = this.tenantOf(choice);
    if (sender && dto.channel === 'wasender') throw new BadRequestException("A tenant's texts go out through the Cloud API, from its own number");
    const channel: MessageChannel = !sender && (dto.channel ?? this.config.triggerChannel) === 'wasender' ? this.wasender : this.cloud;
    try {
      const to = recipientOf(dto.to, dto.user_id);
      const sent: SentMessage = sender ? await this.cloud.sendText(to, dto.text, sender.as) : await channel.sendText(to, dto.text);
      this.metrics.outboundSends.inc({ channel: channel.name, kind: 'text', result: 'sent' });
      return { channel: channel.name, message_id: sent.messageId, ...delivered(sent) };
    } catch (error) {
      this.metrics.outboundSends.inc({ channel: channel.name, kind: 'text', result: 'failed' });
      throw asHttpError(error);
    }
  }

  /** The tenant named by `?tenant=` and the number and token it sends with; undefined without one. */
  private tenantOf(choice: TenantChoice): { tenant: string; as: CloudSender } | undefined {
    if (choice.tenant === undefined) {
      if (choice.from !== undefined) throw new BadRequestException('from (a phone number id) needs a tenant');
      return undefined;
    }
    const tenant = this.tenants.get(choice.tenant);
    if (!tenant) throw new NotFoundException(`No tenant named "${choice.tenant.slice(0, 64)}"`);
    const numbers = tenant.definition.phoneNumberIds;
    const from = choice.from ?? numbers[0];
    if (!numbers.includes(from)) throw new BadRequestException(`from must be one of tenant "${tenant.name}"'s phone number ids`);
    const accessToken = tenant.graphToken;
    if (!accessToken) throw new BadRequestException(`Tenant "${tenant.name}" has no graph-token file: it cannot send`);
    return { tenant: tenant.name, as: { phoneNumberId: from, accessToken } };
  }

  private assertFlow(flow: string): void {
    if (!this.registry.get(flow)) throw new NotFoundException(`No flow named "${flow}"`);
  }
}
