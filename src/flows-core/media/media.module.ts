import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiskMediaStorage } from './disk-media-storage.js';
import { FlowMediaEntity } from './flow-media.entity.js';
import { FlowMedia } from './flow-media.service.js';
import { MediaAdminController } from './media-admin.controller.js';
import { mediaConfig } from './media.config.js';
import { MediaFetcher } from './media-fetcher.js';
import { MediaQueue } from './media-queue.js';
import { MEDIA_STORAGE } from './media-storage.js';
import { MediaWorker } from './media-worker.js';

/**
 * Photos and documents from PhotoPicker and DocumentPicker: download, verification, storage,
 * background fetching, completion media and the admin endpoints. Flow modules inject FlowMedia.
 */
@Module({
  imports: [TypeOrmModule.forFeature([FlowMediaEntity])],
  controllers: [MediaAdminController],
  providers: [
    MediaFetcher,
    MediaQueue,
    FlowMedia,
    MediaWorker,
    // Files on disk by default; an object store would be another MediaStorage under this token.
    { provide: MEDIA_STORAGE, useFactory: (config: ConfigType<typeof mediaConfig>) => new DiskMediaStorage(config.dir), inject: [mediaConfig.KEY] },
  ],
  exports: [FlowMedia, MEDIA_STORAGE],
})
export class MediaModule {}
