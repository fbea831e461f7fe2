import { BadGatewayException, Controller, Get, Inject, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { FlowRegistry } from '../flows-core/server.js';
import { GraphApiError } from '../graph-api/index.js';
import { flowsOverview } from './flows-overview.js';
import { localFlowsOfRegistry } from './local-flows.js';
import { MetaFlowsClient } from './meta-flows.client.js';
import { metaFlowsConfig, requireMetaFlowsConfig } from './meta-flows.config.js';

/** Drift and health of every flow on Meta, for ops without shell access (the data of `flows list`). */
@Controller('admin/flows')
@UseGuards(AdminTokenGuard)
@ApiTags('flows on Meta')
@ApiBearerAuth()
export class MetaFlowsAdminController {
  constructor(
    private readonly registry: FlowRegistry,
    @Inject(metaFlowsConfig.KEY) private readonly config: ConfigType<typeof metaFlowsConfig>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Each flow module beside Meta’s copy: id, status, JSON version, endpoint, drift, validation errors, can_send_message' })
  @ApiOkResponse({ description: '`{ flows: [...] }`; flows on Meta that no module owns have `flow: null`' })
  async list() {
    let ready;
    try {
      ready = requireMetaFlowsConfig(this.config);
    } catch (error) {
      if (error instanceof ConfigValidationError) throw new ServiceUnavailableException(error.message.split('\n').join('; '));
      throw error;
    }
    try {
      return { flows: await flowsOverview(new MetaFlowsClient(ready), localFlowsOfRegistry(this.registry), ready.publicUrl) };
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      throw new BadGatewayException({
        message: error.unreachable ? 'Meta could not be reached' : `Meta answered ${error.status}: ${error.provider.userMessage ?? error.message}`,
        ...(error.code !== undefined ? { code: error.code } : {}),
        ...(error.provider.fbtraceId ? { fbtrace_id: error.provider.fbtraceId } : {}),
      });
    }
  }
}
