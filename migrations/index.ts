import type { MigrationInterface } from 'typeorm';
import { FlowSessions1795240000000 } from './1795240000000-FlowSessions.js';
import { Inventory1795250000000 } from './1795250000000-Inventory.js';
import { Appointments1795250100000 } from './1795250100000-Appointments.js';
import { Webhooks1795260000000 } from './1795260000000-Webhooks.js';
import { FlowMedia1795270000000 } from './1795270000000-FlowMedia.js';
import { Returns1795280000000 } from './1795280000000-Returns.js';
import { MetaFlowAlerts1795290000000 } from './1795290000000-MetaFlowAlerts.js';

/**
 * Every migration, oldest first. `npm run migration:generate` writes a new file in this folder;
 * add its class here (a test fails when a migration file is missing from this list).
 */
export const migrations: Array<new () => MigrationInterface> = [
  FlowSessions1795240000000,
  Inventory1795250000000,
  Appointments1795250100000,
  Webhooks1795260000000,
  FlowMedia1795270000000,
  Returns1795280000000,
  MetaFlowAlerts1795290000000,
];
