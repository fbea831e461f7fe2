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
export { typedFlow, type FlowTypes } from './typed-flow.js';
export type { FlowRequest } from './flow-request.js';
export { FlowSession, type SessionState } from './sessions/flow-session.js';
export { FlowSessions } from './sessions/flow-sessions.service.js';
export { FlowContract, type WireResponse } from './contract/flow-contract.js';
export type { FlowJson, FlowJsonScreen, DataSchema } from '../flow-json/index.js';
export { readFlowJson } from '../flow-json/files.js';
export { FlowRegistry, type RegisteredFlow, type RegisteredHandler } from './routing/flow-registry.js';
export { FlowSessionEntity } from './sessions/flow-session.entity.js';

// For the command-line tools, the test kit and the benchmark: the same configuration, keys and crypto as the server.
export { flowsConfig, type FlowsConfig } from './flows.config.js';
export { flowCredentials, loadConfiguredRing, FlowKeyRing, type FlowCredentials } from './keys/flow-key-ring.js';
export { keyFingerprint, loadRing, loadRingKey, type KeySource, type RingKey } from './keys/ring-key.js';
export { decryptResponse, encryptRequest, type AesSession, type ClientEncryptOptions } from './crypto/flow-crypto.js';
export type { FlowEnvelope } from './crypto/flow-envelope.js';
export { signBody } from '../hub-signature/index.js';
export { assertPrivateFolder, createExclusive, entryExists, UnsafeKeyFileError } from './keys/private-files.js';
