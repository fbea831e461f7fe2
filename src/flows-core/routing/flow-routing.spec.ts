// Explorer, registry and router on their own, with Nest's testing module: no HTTP, no crypto, the
// requests as the crypto interceptor hands them over. The way to test a flow's handlers directly.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BadRequestException, Injectable, Module, UseGuards, type CanActivate } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { AdminModule } from '../../admin/admin.module.js';
import { AppCacheModule } from '../../cache/app-cache.module.js';
import { withConfiguration } from '../../config/config-context.js';
import { DatabaseModule } from '../../database/database.module.js';
import { HealthModule } from '../../health/health.module.js';
import { MetricsModule } from '../../metrics/metrics.module.js';
import { generateAppSecret, generateTestKeyPair } from '../../../test/kit/test-keys.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { FlowResponse } from '../flow-response.js';
import { FlowsCoreModule } from '../flows-core.module.js';
import { FlowRegistry } from './flow-registry.js';
import { FlowRouter, plainSealing, USER_MESSAGES } from './flow-router.js';
import type { FlowRequest } from '../flow-request.js';
import { CurrentFlowRequest, Flow, FlowBack, FlowScreen, FlowToken } from './flow.decorators.js';

const flowJson = new URL('../../../test/flows-core/fixtures/boot.flow.json', import.meta.url);

class Closed implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class Prices {
  total(): string {
    return '12.50';
  }
}

@Flow('shop', { tokens: 'any', flowJson })
class ShopFlow {
  constructor(private readonly prices: Prices) {}

  @FlowScreen('CART')
  cart(@FlowToken() token: string) {
    return FlowResponse.complete({ total: this.prices.total(), token_length: token.length });
  }

  @FlowScreen('PAY')
  @UseGuards(Closed)
  pay() {
    return FlowResponse.navigate('PAY');
  }

  @FlowBack('PAY')
  backFromPay(@CurrentFlowRequest() request: { screen?: string }) {
    return FlowResponse.navigate('CART', { from: request.screen ?? '' });
  }

  @FlowBack()
  back() {
    throw new Error('not this one');
  }
}

@Module({ providers: [ShopFlow, Prices] })
class ShopModule {}

/** A testing module with the core (and the global modules it relies on) and `flows`, configured without touching process.env. */
async function coreWith(database: TestDatabase, ...flows: Array<typeof ShopModule>): Promise<TestingModule> {
  const env = {
    NODE_ENV: 'test',
    FLOW_PRIVATE_KEY: generateTestKeyPair().privatePem,
    WHATSAPP_APP_SECRET: generateAppSecret(),
    ...database.env,
  };
  const moduleRef = await withConfiguration(env, () =>
    Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        DatabaseModule,
        AppCacheModule,
        MetricsModule,
        HealthModule,
        AdminModule,
        FlowsCoreModule,
        ...flows,
      ],
    })
      .setLogger({ log() {}, error() {}, warn() {} })
      .compile(),
  );
  try {
    return await moduleRef.init();
  } catch (error) {
    // What started before the failure (the cache's Redis connections) must not outlive the test file.
    await moduleRef.close().catch(() => undefined);
    throw error;
  }
}

describe('flow explorer, registry and router', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let router: FlowRouter;
  /** The router's answer, "sealed" as plain JSON: what the handler answered, without HTTP or crypto. */
  const dispatch = async (flow: string, request: FlowRequest) => {
    const dispatched = await router.dispatch(flow, request, plainSealing());
    return { ...dispatched, body: JSON.parse(dispatched.body) as unknown };
  };
  let registry: FlowRegistry;

  beforeAll(async () => {
    database = await createTestDatabase();
    moduleRef = await coreWith(database, ShopModule);
    router = moduleRef.get(FlowRouter);
    registry = moduleRef.get(FlowRegistry);
  });
  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it('the explorer registers each @Flow with one handler per action and screen, and nothing else', () => {
    expect(registry.names()).toEqual(['shop']);
    const shop = registry.get('shop')!;
    expect([...shop.handlers.keys()].sort()).toEqual(['BACK', 'BACK:PAY', 'data_exchange:CART', 'data_exchange:PAY']);
    expect(shop.className).toBe('ShopFlow');
    expect(shop.metadata).toMatchObject({ name: 'shop', tokens: 'any' });
  });

  it('BACK from a screen with its own handler uses it; from any other screen, the screen-less one', () => {
    const shop = registry.get('shop')!;
    expect(registry.handlerFor(shop, 'BACK', 'PAY')?.location).toBe('ShopFlow.backFromPay');
    expect(registry.handlerFor(shop, 'BACK', 'CART')?.location).toBe('ShopFlow.back');
    expect(registry.handlerFor(shop, 'INIT', undefined)).toBeUndefined();
    expect(registry.handlerFor(shop, 'data_exchange', undefined)).toBeUndefined();
  });

  it('a handler gets its flow instance with its dependencies, and its parameter decorators', async () => {
    const { body, outcome } = await dispatch('shop', {
      version: '3.0',
      action: 'data_exchange',
      screen: 'CART',
      data: {},
      flow_token: 'tok-1',
    });
    expect(outcome).toBe('ok');
    expect(body).toEqual({
      screen: 'SUCCESS',
      data: { extension_message_response: { params: { total: '12.50', token_length: 5, flow_token: 'tok-1' } } },
    });
  });

  it('ping is answered without a token or a handler', async () => {
    await expect(dispatch('shop', { action: 'ping' })).resolves.toMatchObject({ body: { data: { status: 'active' } }, outcome: 'ok' });
  });

  it('an unknown action or version is a bad request, not a screen', async () => {
    await expect(dispatch('shop', { version: '3.0', action: 'navigate_away', flow_token: 't' })).rejects.toThrow(BadRequestException);
    await expect(dispatch('shop', { version: '9.9', action: 'INIT', flow_token: 't' })).rejects.toThrow('Unsupported version "9.9"');
  });

  it('an action without a handler answers "not available" on the entry screen', async () => {
    const { body, outcome } = await dispatch('shop', { version: '3.0', action: 'INIT', flow_token: 'tok-2' });
    expect(outcome).toBe('error_message');
    expect(body).toEqual({ screen: 'CART', data: { error_message: USER_MESSAGES.unavailable } });
  });

  it('guards apply to handlers: a refused one answers on the current screen', async () => {
    const { body } = await dispatch('shop', { version: '3.0', action: 'data_exchange', screen: 'PAY', data: {}, flow_token: 'tok-3' });
    expect(body).toEqual({ screen: 'PAY', data: { error_message: USER_MESSAGES.unexpected } });
  });

  it('a handler that throws answers a readable error on the screen the user is on', async () => {
    const { body } = await dispatch('shop', { version: '3.0', action: 'BACK', screen: 'CART', flow_token: 'tok-4' });
    expect(body).toEqual({ screen: 'CART', data: { error_message: USER_MESSAGES.unexpected } });
  });
});

@Flow('Shop Two', { flowJson })
class BadlyNamedFlow {}

@Module({ providers: [BadlyNamedFlow] })
class BadlyNamedModule {}

describe('the explorer at init', () => {
  it('refuses a flow name that cannot be a URL segment', async () => {
    const database = await createTestDatabase();
    try {
      await expect(coreWith(database, BadlyNamedModule)).rejects.toThrow(
        'BadlyNamedFlow: flow name "Shop Two" must be lowercase letters, digits, - or _',
      );
    } finally {
      await database.drop();
    }
  });
});
