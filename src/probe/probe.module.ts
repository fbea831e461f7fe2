import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FlowProber } from './flow-prober.js';
import { probeConfig } from './probe.config.js';

/** The synthetic ping of every flow's data endpoint (FLOW_PROBE_INTERVAL_S); off unless configured. */
@Module({ imports: [ConfigModule.forFeature(probeConfig)], providers: [FlowProber] })
export class ProbeModule {}
