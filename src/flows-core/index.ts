// The public surface of the flows core: everything outside src/flows-core imports it from here.
export { FlowsCoreModule } from './flows-core.module.js';
export {
  Flow,
  FlowScreen,
  FlowInit,
  FlowBack,
  FlowErrorNotification,
  FlowCompletion,
  FlowData,
  FlowToken,
  CurrentSession,
  CurrentFlowRequest,
  FlowTransaction,
  Completion,
} from './routing/flow.decorators.js';
export type { FlowOptions, FlowMetaOptions, FlowCategory, FlowHandlerContext, FlowCompletionEvent, FlowMetadata } from './routing/flow.decorators.js';
export { flowHandlerOf, flowMetadataOf, type FlowHandlerKind } from './routing/flow.decorators.js';
export { FlowResponse, type FlowData as FlowDataRecord } from './flow-response.js';
export { typedFlow, type FlowTypes, type FlowMediaFile } from './typed-flow.js';
export type { FlowRequest } from './flow-request.js';
export { FlowSession, type SessionState } from './sessions/flow-session.js';
export { FlowSessions } from './sessions/flow-sessions.service.js';
export { FlowContract, type WireResponse } from './contract/flow-contract.js';
export { readFlowJson, type FlowJson, type FlowJsonScreen, type DataSchema } from './contract/flow-json.js';
export { FlowRegistry, type RegisteredFlow, type RegisteredHandler } from './routing/flow-registry.js';
export { FlowSessionEntity } from './sessions/flow-session.entity.js';
export { HubSignatureGuard } from './signature/hub-signature.guard.js';
export { isPlainObject } from './crypto/flow-envelope.js';

// For the command-line tools, the test kit and the benchmark: the same configuration, keys and crypto as the server.
export { flowsConfig, type FlowsConfig } from './flows.config.js';
export { flowCredentials, loadConfiguredRing, FlowKeyRing, type FlowCredentials } from './keys/flow-key-ring.js';
export { keyFingerprint, loadRing, loadRingKey, type KeySource, type RingKey } from './keys/ring-key.js';
export { decryptResponse, encryptRequest, type AesSession, type ClientEncryptOptions } from './crypto/flow-crypto.js';
export type { FlowEnvelope } from './crypto/flow-envelope.js';
export { signBody } from './signature/app-secrets.js';
export { assertPrivateFolder, createExclusive, entryExists, UnsafeKeyFileError } from './keys/private-files.js';
export { FlowMedia, type MediaScope, type KeepOptions, type KeptFile, type MediaArrival } from './media/flow-media.service.js';
export { FlowMediaScope } from './media/flow-media-scope.decorator.js';
export { MediaRefusedError, type MediaFailure } from './media/media-errors.js';
export { encryptMedia, type EncryptedMedia } from './media/media-crypto.js';
export type { FlowMediaObject, CompletionMediaObject } from './media/media-object.js';
export { MEDIA_STORAGE, type MediaStorage } from './media/media-storage.js';
export { FlowMediaEntity, type FlowMediaStatus } from './media/flow-media.entity.js';
export { checkFlowJson, checkFlowJsonFile, formatFlowJsonProblem, type FlowJsonProblem } from './contract/checker/flow-json-checker.js';
export { inputValueType } from './contract/checker/components.js';
export { componentActions, isObject, screenComponents, screenInputs, type JsonObject } from './contract/checker/flow-json-walk.js';
export { HUB_SIGNED_BODY, AppSecrets } from './signature/app-secrets.js';
