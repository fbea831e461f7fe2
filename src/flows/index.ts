// The business flows this service runs. Adding a flow: create src/flows/<name>/ and list its module
// here (its module registers its own configuration namespace, if it has one).
import { AppointmentsFlowModule } from './appointments/appointments.module.js';
import { InventoryFlowModule } from './inventory/inventory.module.js';
import { ReturnsFlowModule } from './returns/returns.module.js';

export const flowModules = [InventoryFlowModule, AppointmentsFlowModule, ReturnsFlowModule];
