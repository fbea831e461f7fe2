import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { flushTraces } from './spans.js';

/** Sends the spans still buffered when the application stops (a no-op when tracing is off). */
@Injectable()
class TraceFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTraces();
  }
}

@Module({ providers: [TraceFlush] })
export class TracingModule {}
