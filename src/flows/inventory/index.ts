// The inventory flow's public entry: src/flows/index.ts lists its module from here, and another flow may
// import only what this file exports (a service it declares as its dependency), never the folder's other files.
export { InventoryFlowModule } from './inventory.module.js';
export { InventoryReader, type ProductSummary, type ReservationSummary } from './inventory-reader.js';
