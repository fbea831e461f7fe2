import type { MigrationInterface } from 'typeorm';
import { FlowSessions1795240000000 } from './1795240000000-FlowSessions.js';
import { Webhooks1795260000000 } from './1795260000000-Webhooks.js';
import { FlowMedia1795270000000 } from './1795270000000-FlowMedia.js';
import { FlowEnvelopes1795290000000 } from './1795290000000-FlowEnvelopes.js';
import { MetaFlowAlerts1795291000000 } from './1795291000000-MetaFlowAlerts.js';
import { BusinessScopedUserIds1795300000000 } from './1795300000000-BusinessScopedUserIds.js';
import { Tenants1795310000000 } from './1795310000000-Tenants.js';

/**
 * The core's migrations (flow sessions, webhooks, media), oldest first. A flow's migrations live in
 * its folder (src/flows/<name>/migrations/) and its module lists them with DatabaseModule.forFeature;
 * the server and `npm run migration:*` collect both. A new core migration file goes here (a test
 * fails when one is missing from this list).
 */
export const migrations: Array<new () => MigrationInterface> = [
  FlowSessions1795240000000,
  Webhooks1795260000000,
  FlowMedia1795270000000,
  FlowEnvelopes1795290000000,
  MetaFlowAlerts1795291000000,
  BusinessScopedUserIds1795300000000,
  Tenants1795310000000,
];
