// The business flows this service runs. Adding a flow: create src/flows/<name>/ (npm run flow:new does)
// and list its module here, from its index.ts. Its configuration namespace, entities and migrations are
// found from its module; nothing else lists them.
import { AppointmentsFlowModule } from './appointments/index.js';
import { InventoryFlowModule } from './inventory/index.js';
import { ReturnsFlowModule } from './returns/index.js';

export const flowModules = [InventoryFlowModule, AppointmentsFlowModule, ReturnsFlowModule];
