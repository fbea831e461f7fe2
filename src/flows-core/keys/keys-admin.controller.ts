import { Controller, HttpCode, Post, UnprocessableEntityException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../../admin/admin-token.guard.js';
import { FlowKeyRing, type ReloadResult } from './flow-key-ring.js';

/** `POST /admin/keys/reload`: re-reads the key files, like SIGHUP. */
@Controller('admin/keys')
@UseGuards(AdminTokenGuard)
@ApiTags('keys')
@ApiBearerAuth()
export class KeysAdminController {
  constructor(private readonly keys: FlowKeyRing) {}

  @Post('reload')
  @HttpCode(200)
  reload(): ReloadResult {
    const result = this.keys.reload('admin API');
    // The working ring stays in place; say why the new one was refused.
    if (!result.ok) throw new UnprocessableEntityException({ ...result, message: result.error });
    return result;
  }
}
