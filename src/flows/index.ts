// The business flows this service runs. Adding a flow: create src/flows/<name>/ and list its module
// (and its config namespace, if it has one) here.
import { appointmentsConfig } from './appointments/appointments.config.js';
import { AppointmentsFlowModule } from './appointments/appointments.module.js';
import { inventoryConfig } from './inventory/inventory.config.js';
import { InventoryFlowModule } from './inventory/inventory.module.js';
import { ReturnsFlowModule } from './returns/returns.module.js';

export const flowModules = [InventoryFlowModule, AppointmentsFlowModule, ReturnsFlowModule];

export const flowConfigs = [inventoryConfig, appointmentsConfig];
