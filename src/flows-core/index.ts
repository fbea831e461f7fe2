// The public surface of the flows core, for flow modules.
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
export type { FlowOptions, FlowMetaOptions, FlowCategory, FlowHandlerContext, FlowCompletionEvent } from './routing/flow.decorators.js';
export { FlowResponse, type FlowData as FlowDataRecord } from './flow-response.js';
export { typedFlow, type FlowTypes, type FlowMediaFile } from './typed-flow.js';
export type { FlowRequest } from './flow-request.js';
export { FlowSession, type SessionState } from './sessions/flow-session.js';
export { FlowSessions } from './sessions/flow-sessions.service.js';
export { FlowMedia, type MediaScope, type KeepOptions, type KeptFile, type MediaArrival } from './media/flow-media.service.js';
export { FlowMediaScope } from './media/flow-media-scope.decorator.js';
export { MediaRefusedError, type MediaFailure } from './media/media-errors.js';
export type { FlowMediaObject, CompletionMediaObject } from './media/media-object.js';
export { MEDIA_STORAGE, type MediaStorage } from './media/media-storage.js';
export { FlowMediaEntity, type FlowMediaStatus } from './media/flow-media.entity.js';
export {
  checkFlowJson,
  checkFlowJsonFile,
  formatFlowJsonProblem,
  type FlowJsonProblem,
} from './contract/checker/flow-json-checker.js';
export { FlowRegistry } from './routing/flow-registry.js';
export type { FlowsConfig } from './flows.config.js';
