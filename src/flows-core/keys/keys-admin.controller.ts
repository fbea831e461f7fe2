import { Controller, HttpCode, NotFoundException, Post, Query, UnprocessableEntityException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../../admin/admin-token.guard.js';
import { Tenants } from '../tenants/tenants.service.js';
import { FlowKeyRing, type ReloadResult } from './flow-key-ring.js';

/** `POST /admin/keys/reload`: re-reads the key files, like SIGHUP; `?tenant=` a tenant's keys and app secrets. */
@Controller('admin/keys')
@UseGuards(AdminTokenGuard)
@ApiTags('keys')
@ApiBearerAuth()
export class KeysAdminController {
  constructor(
    private readonly keys: FlowKeyRing,
    private readonly tenants: Tenants,
  ) {}

  @Post('reload')
  @HttpCode(200)
  @ApiQuery({ name: 'tenant', required: false, description: "A tenant's name (TENANTS_DIR): reload its files only" })
  reload(@Query('tenant') name?: string): ReloadResult {
    let result: ReloadResult;
    if (name === undefined) {
      result = this.keys.reload('admin API');
    } else {
      const tenant = this.tenants.get(name);
      if (!tenant) throw new NotFoundException(`No tenant named "${String(name).slice(0, 64)}"`);
      result = this.tenants.reload(tenant, 'admin API');
    }
    // The working ring stays in place; say why the new one was refused.
    if (!result.ok) throw new UnprocessableEntityException({ ...result, message: result.error });
    return result;
  }
}
