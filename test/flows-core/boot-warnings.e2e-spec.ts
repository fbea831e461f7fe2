// A Flow JSON with warnings only (rules Meta's sources disagree on) boots and serves: the boot refuses
// errors only (boot.e2e-spec.ts has those).
import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Flow, FlowResponse, FlowScreen } from '../../src/flows-core/index.js';
import { checkFlowJsonFile } from '../../src/flow-json/files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const flowJson = new URL('../fixtures/flow-json/warnings/terminal-footer-navigates.json', import.meta.url);

@Flow('signup', { flowJson })
class SignupFlow {
  @FlowScreen('FIRST')
  first() {
    return FlowResponse.navigate('LAST', { email: 'a@example.com' });
  }
}

@Module({ providers: [SignupFlow] })
class SignupModule {}

describe('a Flow JSON with warnings only', () => {
  let app: TestApp | undefined;
  afterAll(() => app?.close());

  it('boots, and its flow answers', async () => {
    expect(checkFlowJsonFile(fileURLToPath(flowJson))).toEqual({ problems: [], warnings: [expect.objectContaining({ severity: 'warning' })] });
    app = await startTestApp({ modules: [SignupModule] });
    const reply = await app.client.ping('signup');
    expect([reply.status, reply.json]).toEqual([200, { data: { status: 'active' } }]);
  });
});
