// The Flow JSON room: the model of a flow's screens, and the checker `flow:lint`, `flows deploy` and the
// boot run. Pure TypeScript (no Nest, nothing of Node): the browser preview imports its types.
// Reading files is the second entry, ./files.ts.
export type { DataSchema, FlowJson, FlowJsonScreen, FlowMediaFile } from './flow-json.js';
export { checkFlowJson, formatFlowJsonProblem } from './flow-json-checker.js';
export { isFlowJsonError, type FlowJsonProblem, type FlowJsonSeverity } from './problems.js';
export { DATA_API_MIN_FLOW_JSON, DATA_API_VERSIONS, FLOW_JSON_VERSIONS, LATEST_FLOW_JSON_VERSION } from './flow-json-versions.js';
export { inputValueType } from './components.js';
export { componentActions, isObject, screenComponents, screenInputs, type JsonObject } from './flow-json-walk.js';
