import { constants } from 'node:fs';
import { access, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { GraphApiModule } from '../graph-api/index.js';
import { QueueModule } from '../queue/queue.module.js';
import { ConfigValidationError } from '../config/config-validation-error.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiskMediaStorage } from './disk-media-storage.js';
import { DownloadBudget } from './download-budget.js';
import { FlowMediaEntity } from './flow-media.entity.js';
import { FlowMedia } from './flow-media.service.js';
import { MediaAdminController } from './media-admin.controller.js';
import { mediaConfig } from './media.config.js';
import { MediaFetcher } from './media-fetcher.js';
import { MediaQueue } from './media-queue.js';
import { MEDIA_STORAGE } from './media-storage.js';
import { MediaWorker } from './media-worker.js';
import { databaseConfig } from '../database/database.config.js';
import { ownerOnly } from './owner-only.js';

/**
 * Photos and documents from PhotoPicker and DocumentPicker: download, verification, storage,
 * background fetching, completion media and the admin endpoints. Flow modules inject FlowMedia.
 */
@Module({
  // Completion media are fetched through the Graph API client (its base URL and access token).
  imports: [
    TypeOrmModule.forFeature([FlowMediaEntity]),
    ConfigModule.forFeature(mediaConfig),
    GraphApiModule,
    ConfigModule.forFeature(databaseConfig),
    QueueModule,
  ],
  controllers: [MediaAdminController],
  providers: [
    DownloadBudget,
    MediaFetcher,
    MediaQueue,
    FlowMedia,
    MediaWorker,
    // Files on disk by default; an object store would be another MediaStorage under this token.
    { provide: MEDIA_STORAGE, useFactory: (config: ConfigType<typeof mediaConfig>) => new DiskMediaStorage(config.dir), inject: [mediaConfig.KEY] },
  ],
  exports: [FlowMedia, MEDIA_STORAGE],
})
export class FlowMediaModule implements OnModuleInit {
  constructor(@Inject(mediaConfig.KEY) private readonly config: ConfigType<typeof mediaConfig>) {}

  /**
   * A media folder the process cannot write would fail every upload: stop the boot instead, saying so.
   * The folder is the owner's only (0700): users' files are nobody else's business on this machine.
   * What an older version or a copy left readable is tightened in the background (the folder's own
   * mode already closes it).
   */
  async onModuleInit(): Promise<void> {
    try {
      await mkdir(join(this.config.dir, '.incoming'), { recursive: true, mode: 0o700 });
      await chmod(this.config.dir, 0o700);
      await chmod(join(this.config.dir, '.incoming'), 0o700);
      await access(join(this.config.dir, '.incoming'), constants.W_OK);
      void ownerOnly(this.config.dir).catch((error: Error) => new Logger('FlowMedia').warn(`Could not tighten ${this.config.dir}: ${error.message}`));
    } catch (error) {
      throw new ConfigValidationError(
        `Invalid configuration: FLOW_MEDIA_DIR (${this.config.dir}) is not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
}
