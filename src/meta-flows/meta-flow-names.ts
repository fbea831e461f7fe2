import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FlowRegistry } from '../flows-core/server.js';
import { localFlowsOfRegistry } from './local-flows.js';
import { MetaFlowsClient } from './meta-flows.client.js';
import { metaFlowsConfig } from './meta-flows.config.js';

/** How long Meta's list of flows is trusted before it is asked for again. */
const REFRESH_MS = 10 * 60_000;

/**
 * Meta's flow ids → the names of the flow modules that own them (matched by `meta.name`, as
 * `npm run flows` does), so Meta's alerts carry the same `flow` label as Flowgate's own metrics.
 * Needs the Flows API configuration (WHATSAPP_BUSINESS_ACCOUNT_ID, WHATSAPP_ACCESS_TOKEN); without it,
 * or before Meta answered, a flow is known by its id only. Asked at most every 10 minutes.
 */
@Injectable()
export class MetaFlowNames {
  private readonly logger = new Logger(MetaFlowNames.name);
  private names = new Map<string, string>();
  private fetchedAt = 0;
  private refreshing?: Promise<void>;
  private failureLogged = false;

  constructor(
    private readonly registry: FlowRegistry,
    @Inject(metaFlowsConfig.KEY) private readonly config: ConfigType<typeof metaFlowsConfig>,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.accessToken && this.config.wabaId);
  }

  /**
   * The names, refreshed when stale; waits up to `waitMs` for a refresh (the first one, so the
   * first scrape after a start already has them), otherwise answers with what it has.
   */
  async current(waitMs = 0): Promise<ReadonlyMap<string, string>> {
    if (this.configured && Date.now() - this.fetchedAt > REFRESH_MS) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      if (waitMs > 0) await Promise.race([this.refreshing, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
    }
    return this.names;
  }

  private async refresh(): Promise<void> {
    const { accessToken, wabaId } = this.config;
    try {
      const remote = await new MetaFlowsClient({ ...this.config, accessToken: accessToken!, wabaId: wabaId! }).list();
      const byMetaName = new Map(localFlowsOfRegistry(this.registry).map((flow) => [flow.metaName, flow.name]));
      this.names = new Map(remote.flatMap((flow) => (byMetaName.has(flow.name) ? [[flow.id, byMetaName.get(flow.name)!]] : [])));
      this.failureLogged = false;
    } catch (error) {
      // Flows stay known by their ids; said once until it works again.
      if (!this.failureLogged) this.logger.warn(`Cannot list the flows on Meta to name their alerts: ${(error as Error).message}`);
      this.failureLogged = true;
    } finally {
      this.fetchedAt = Date.now();
    }
  }
}
