import { Module } from '@nestjs/common';
import { ConfigModule, type ConfigType } from '@nestjs/config';
import { GraphApiClient } from './graph-api.client.js';
import { graphApiConfig } from './graph-api.config.js';

/** The Graph API client, configured from GRAPH_API_BASE_URL, WHATSAPP_ACCESS_TOKEN and OUTBOUND_MAX_TOTAL_MS. */
@Module({
  imports: [ConfigModule.forFeature(graphApiConfig)],
  providers: [
    { provide: GraphApiClient, inject: [graphApiConfig.KEY], useFactory: (config: ConfigType<typeof graphApiConfig>) => new GraphApiClient(config) },
  ],
  exports: [GraphApiClient],
})
export class GraphApiModule {}
