import { Global, Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { adminConfig } from './admin.config.js';
import { AdminDocs, AdminDocsController } from './admin-docs.js';
import { AdminTokenGuard } from './admin-token.guard.js';

// Exported too: AdminTokenGuard runs in the modules of the admin controllers, and reads it there.
const adminConfigFeature = ConfigModule.forFeature(adminConfig);

/** The admin API's authentication; admin controllers live with the capability they manage (hence global). */
@Global()
@Module({
  imports: [adminConfigFeature],
  controllers: [AdminDocsController],
  providers: [AdminTokenGuard, AdminDocs],
  exports: [AdminTokenGuard, AdminDocs, adminConfigFeature],
})
export class AdminModule implements OnModuleInit {
  constructor(@Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>) {}

  onModuleInit(): void {
    if (!this.config.token) new Logger('Admin').warn('ADMIN_TOKEN is not set: the admin API (/admin/*) is disabled');
  }
}
