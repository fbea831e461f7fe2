// Photos and documents from PhotoPicker and DocumentPicker: a flow whose screens have pickers imports
// FlowMediaModule and injects FlowMedia (keep, keepLater, arrived); handlers get their scope with
// @FlowMediaScope(). Stands on the flows core, the Graph API client, the queue and the database.
export { FlowMediaModule } from './flow-media.module.js';
export { FlowMedia, type MediaScope, type KeepOptions, type KeptFile, type MediaArrival } from './flow-media.service.js';
export { FlowMediaScope } from './flow-media-scope.decorator.js';
export { MediaRefusedError, type MediaFailure } from './media-errors.js';
export { encryptMedia, type EncryptedMedia } from './media-crypto.js';
export type { CompletionMediaObject } from './media-object.js';
export type { FlowMediaFile } from '../flow-json/index.js';
export { MEDIA_STORAGE, type MediaStorage } from './media-storage.js';
export { FlowMediaEntity, type FlowMediaStatus } from './flow-media.entity.js';
