import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Param,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Tenants, type Tenant } from '../../flows-core/server.js';
import { acceptSigned, HUB_SIGNED_BODY, type SignedRequest } from '../../hub-signature/index.js';
import { isPlainObject } from '../../http/plain-object.js';
import { Metrics } from '../../metrics/metrics.service.js';
import { webhooksConfig } from '../webhooks.config.js';
import { subscriptionChallenge } from './subscription-check.js';
import { tenantEvents } from './tenant-attribution.js';
import { WebhookIntake } from './webhook-intake.service.js';

type TenantWebhookRequest = SignedRequest & { tenant?: Tenant };

/** A tenant's webhook URL: unknown tenant 404; the signature checked with that tenant's app secrets only (401), before parsing. */
@Injectable()
export class TenantWebhookSignatureGuard implements CanActivate {
  private readonly logger = new Logger(TenantWebhookSignatureGuard.name);

  constructor(private readonly tenants: Tenants) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantWebhookRequest>();
    const name = (request.params as { tenant: string }).tenant;
    const tenant = this.tenants.get(name);
    if (!tenant) throw new NotFoundException(`No tenant named "${name.slice(0, 64)}"`);
    if (!acceptSigned(request, tenant.secrets, this.logger)) throw new UnauthorizedException('Missing or invalid X-Hub-Signature-256');
    request.tenant = tenant;
    return true;
  }
}

/**
 * `/webhooks/whatsapp/<tenant>`: the callback URL of a tenant's app (TENANTS_DIR), signed with that
 * app's secret. Its events are stored attributed to their tenant (see tenantEvents) and processed like
 * any other; a completion completes only a token of the same tenant.
 */
@Controller('webhooks/whatsapp')
export class TenantWebhookController {
  constructor(
    private readonly intake: WebhookIntake,
    private readonly tenants: Tenants,
    private readonly metrics: Metrics,
    @Inject(webhooksConfig.KEY) private readonly config: ConfigType<typeof webhooksConfig>,
  ) {}

  /** Meta's subscription check for the tenant's app: its verify-token file, else WHATSAPP_VERIFY_TOKEN. */
  @Get(':tenant')
  @Header('content-type', 'text/plain; charset=utf-8')
  verify(@Param('tenant') name: string, @Req() request: FastifyRequest): string {
    const tenant = this.tenants.get(name);
    if (!tenant) throw new NotFoundException(`No tenant named "${name.slice(0, 64)}"`);
    return subscriptionChallenge(request, tenant.verifyToken ?? this.config.verifyToken);
  }

  @Post(':tenant')
  @HttpCode(200)
  @UseGuards(TenantWebhookSignatureGuard)
  @RouteConfig({ bodyLimitConfig: 'webhooks.bodyLimit', signedBody: HUB_SIGNED_BODY })
  async receive(@Body() body: unknown, @Req() request: TenantWebhookRequest) {
    if (!isPlainObject(body)) throw new BadRequestException('The body must be a JSON object');
    const header = request.headers['x-hub-signature-256'];
    const events = tenantEvents(body, request.tenant!, this.tenants, (tenant) => tenant.secrets.verify(request.rawBody, header) !== undefined);
    for (const event of events) this.metrics.tenantWebhookEvents.inc({ tenant: event.tenant!, kind: event.kind });
    return this.intake.accept('whatsapp', events);
  }
}
