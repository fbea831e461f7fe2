// The flows core for flow authors: what a flow class, its handlers and its services are written with.
// The app's other modules use ./server.ts; tools, the test kit and the benchmark use ./testing.ts.
export {
  Flow,
  FlowScreen,
  FlowInit,
  FlowBack,
  FlowErrorNotification,
  FlowCompletion,
  FlowData,
  FlowToken,
  FlowTenant,
  CurrentSession,
  CurrentFlowRequest,
  FlowTransaction,
  Completion,
} from './routing/flow.decorators.js';
export type { FlowOptions, FlowMetaOptions, FlowCategory, FlowHandlerContext, FlowCompletionEvent } from './routing/flow.decorators.js';
export { FlowResponse, type FlowData as FlowDataRecord } from './flow-response.js';
export { typedFlow, type FlowTypes } from './typed-flow.js';
export type { FlowRequest } from './flow-request.js';
export { FlowSession, type SessionState } from './sessions/flow-session.js';
export type { WhatsAppUser } from './sessions/whatsapp-user.js';
export { FlowSessions } from './sessions/flow-sessions.service.js';
