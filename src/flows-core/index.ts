// The public surface of the flows core, for flow modules.
export { Flow, FlowScreen, FlowInit, FlowBack, FlowErrorNotification, FlowData, FlowToken, CurrentSession, CurrentFlowRequest } from './routing/flow.decorators.js';
export type { FlowOptions, FlowHandlerContext } from './routing/flow.decorators.js';
export { FlowResponse, type FlowData as FlowDataRecord } from './flow-response.js';
export type { FlowRequest } from './flow-request.js';
export { FlowSession, type SessionState } from './sessions/flow-session.js';
export { FlowSessions } from './sessions/flow-sessions.service.js';
