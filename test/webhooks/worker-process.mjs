// A Flowgate replica for crash tests: the built application plus a flow whose completion handler
// writes an effect and then takes SLOW_MS, inside the submission's transaction.
// Plain JavaScript on dist/ so it runs as a real, killable process.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { createApp } from '../../dist/src/app.factory.js';
import { Completion, Flow, FlowCompletion } from '../../dist/src/flows-core/index.js';

const slowMs = Number(process.env.SLOW_MS ?? 0);

class SlowFlow {
  async completed(event) {
    await event.manager.query('CREATE TABLE IF NOT EXISTS test_effects (message_id text, at timestamptz DEFAULT now())');
    await event.manager.query('INSERT INTO test_effects (message_id) VALUES ($1)', [event.messageId]);
    process.stdout.write(`effect-started ${event.messageId}\n`);
    await new Promise((resolve) => setTimeout(resolve, slowMs));
  }
}
Flow('slow', { tokens: 'issued', flowJson: new URL('../flows-core/fixtures/members.flow.json', import.meta.url) })(SlowFlow);
FlowCompletion()(SlowFlow.prototype, 'completed', Object.getOwnPropertyDescriptor(SlowFlow.prototype, 'completed'));
Completion()(SlowFlow.prototype, 'completed', 0);

class SlowFlowModule {}
Module({ providers: [SlowFlow] })(SlowFlowModule);

const app = await createApp({ modules: [SlowFlowModule] });
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.stdout.write('listening\n');
