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
export type { FlowOptions, FlowHandlerContext, FlowCompletionEvent } from './routing/flow.decorators.js';
export { FlowResponse, type FlowData as FlowDataRecord } from './flow-response.js';
export type { FlowRequest } from './flow-request.js';
export { FlowSession, type SessionState } from './sessions/flow-session.js';
export { FlowSessions } from './sessions/flow-sessions.service.js';
export { FlowRegistry } from './routing/flow-registry.js';
export type { FlowsConfig } from './flows.config.js';
