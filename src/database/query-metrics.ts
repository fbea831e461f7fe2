import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AfterQueryEvent, DataSource, EntitySubscriberInterface } from 'typeorm';
import { currentFlow } from '../metrics/flow-attribution.js';
import { Metrics } from '../metrics/metrics.service.js';

/** Times every query TypeORM runs, labelled with the flow whose handler ran it. */
@Injectable()
export class QueryMetrics implements EntitySubscriberInterface {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {
    dataSource.subscribers.push(this);
  }

  afterQuery(event: AfterQueryEvent): void {
    if (event.executionTime === undefined) return;
    this.metrics.dbQueryDuration.observe({ flow: currentFlow(), outcome: event.success ? 'ok' : 'error' }, event.executionTime / 1000);
  }
}
