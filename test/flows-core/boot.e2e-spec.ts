import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Module, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Flow, FlowResponse, FlowScreen } from '../../src/flows-core/index.js';
import { freePort } from '../support/owned-database.js';
import { runServer, startServer } from '../support/server-process.js';
import { startTestApp } from '../support/test-app.js';

const bootJson = new URL('./fixtures/boot.flow.json', import.meta.url);

@Flow('orders', { flowJson: bootJson })
class OrdersFlow {
  @FlowScreen('CART')
  cart() {
    return FlowResponse.navigate('CART');
  }
}

@Flow('orders', { flowJson: bootJson })
class LegacyOrdersFlow {
  @FlowScreen('CART')
  cart() {
    return FlowResponse.navigate('CART');
  }
}

@Flow('payments', { flowJson: bootJson })
class PaymentsFlow {
  @FlowScreen('PAY')
  pay() {
    return FlowResponse.navigate('PAY');
  }

  @FlowScreen('PAY')
  payAgain() {
    return FlowResponse.navigate('PAY');
  }
}

@Flow('shop', { flowJson: bootJson })
class ShopFlow {
  @FlowScreen('CHECKOUT')
  checkout() {
    return FlowResponse.navigate('PAY');
  }
}

@Flow('broken', { flowJson: new URL('./fixtures/invalid.flow.json', import.meta.url) })
class BrokenJsonFlow {}

@Flow('missing', { flowJson: new URL('./fixtures/missing.flow.json', import.meta.url) })
class MissingJsonFlow {}

@Injectable()
class NotAFlow {
  @FlowScreen('LOST')
  lost() {
    return FlowResponse.navigate('LOST');
  }
}

@Flow('per-request', { flowJson: bootJson })
@Injectable({ scope: Scope.REQUEST })
class PerRequestFlow {
  @FlowScreen('CART')
  cart() {
    return FlowResponse.navigate('CART');
  }
}

@Flow('per-call', { flowJson: bootJson })
@Injectable({ scope: Scope.TRANSIENT })
class TransientFlow {}

/** Request-scoped because it injects the request. */
@Injectable()
class RequestContext {
  constructor(@Inject(REQUEST) readonly request: unknown) {}
}

@Injectable()
class Pricing {
  constructor(readonly context: RequestContext) {}
}

@Flow('priced', { flowJson: bootJson })
class PricedFlow {
  constructor(readonly pricing: Pricing) {}
}

@Flow('routed', { flowJson: bootJson })
class RoutedFlow {}

@Module({ providers: [PerRequestFlow] })
class RequestScopedFlowModule {}

@Module({ providers: [TransientFlow] })
class TransientFlowModule {}

@Module({ providers: [PricedFlow, Pricing, RequestContext] })
class RequestScopedDependencyModule {}

@Module({ controllers: [RoutedFlow] })
class FlowAsControllerModule {}

@Module({ providers: [OrdersFlow, LegacyOrdersFlow] })
class DuplicateFlowModule {}

@Module({ providers: [PaymentsFlow] })
class DuplicateScreenModule {}

@Module({ providers: [NotAFlow] })
class StrayHandlerModule {}

@Module({ providers: [ShopFlow] })
class UnknownScreenModule {}

@Module({ providers: [BrokenJsonFlow] })
class BrokenJsonModule {}

@Module({ providers: [MissingJsonFlow] })
class MissingJsonModule {}

describe('flow registration stops the boot on mistakes', () => {
  it('the same flow in two classes names both classes', async () => {
    await expect(startTestApp({ modules: [DuplicateFlowModule] })).rejects.toThrow(
      /Flow "orders" is declared twice: by (OrdersFlow and by LegacyOrdersFlow|LegacyOrdersFlow and by OrdersFlow)/,
    );
  });

  it('two handlers for one screen name both places', async () => {
    await expect(startTestApp({ modules: [DuplicateScreenModule] })).rejects.toThrow(
      'Flow "payments" has two handlers for data_exchange:PAY: PaymentsFlow.pay and PaymentsFlow.payAgain',
    );
  });

  it('a handler for a screen the Flow JSON does not declare names the handler, the screen and the file', async () => {
    await expect(startTestApp({ modules: [UnknownScreenModule] })).rejects.toThrow(
      /ShopFlow\.checkout handles screen "CHECKOUT", which .*boot\.flow\.json does not declare/,
    );
  });

  it('an invalid Flow JSON lists every problem with the file', async () => {
    const error = await startTestApp({ modules: [BrokenJsonModule] }).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error?.message).toMatch(/Flow "broken" \(BrokenJsonFlow\): .*invalid\.flow\.json is not a valid Flow JSON/);
    expect(error?.message).toMatch(/invalid\.flow\.json:7:7 {2}SUCCESS is reserved/);
    expect(error?.message).toMatch(/invalid\.flow\.json:6:31 {2}data\.total needs an "__example__"/);
    expect(error?.message).toMatch(/invalid\.flow\.json:4:31 {2}routing_model\.CART: "PAY" is not a screen/);
  });

  it('a Flow JSON file that does not exist is named', async () => {
    await expect(startTestApp({ modules: [MissingJsonModule] })).rejects.toThrow(
      /Flow "missing" \(MissingJsonFlow\): cannot read .*missing\.flow\.json/,
    );
  });

  it('a handler decorator outside a @Flow class', async () => {
    await expect(startTestApp({ modules: [StrayHandlerModule] })).rejects.toThrow(
      'NotAFlow.lost has a flow handler decorator but NotAFlow has no @Flow()',
    );
  });
});

describe('a flow Nest cannot give one long-lived instance stops the boot', () => {
  it('a request-scoped flow says why and what to do', async () => {
    await expect(startTestApp({ modules: [RequestScopedFlowModule] })).rejects.toThrow(
      'PerRequestFlow is a @Flow with scope REQUEST; flows are singletons: remove the scope, and read per-request values from the handler arguments',
    );
  });

  it('a transient flow', async () => {
    await expect(startTestApp({ modules: [TransientFlowModule] })).rejects.toThrow(
      'TransientFlow is a @Flow with scope TRANSIENT; flows are singletons',
    );
  });

  it('a flow depending on a request-scoped provider names the chain', async () => {
    await expect(startTestApp({ modules: [RequestScopedDependencyModule] })).rejects.toThrow(
      'PricedFlow is a @Flow that depends on a request-scoped provider (PricedFlow → Pricing → RequestContext → REQUEST), which makes it request-scoped; flows are singletons',
    );
  });

  it('a flow listed in controllers is sent to providers', async () => {
    await expect(startTestApp({ modules: [FlowAsControllerModule] })).rejects.toThrow(
      "RoutedFlow is a @Flow listed in its module's controllers: list it in providers instead",
    );
  });
});

describe('credentials at boot', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('a key that does not parse stops the boot with one line naming the variable', async () => {
    const run = await runServer({ EMBEDDED_DB_DIR: 'memory', FLOW_PRIVATE_KEY: 'not a key', WHATSAPP_APP_SECRET: 's' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('flowgate: Invalid configuration: FLOW_PRIVATE_KEY: not a PEM private key, or the passphrase is wrong');
  });

  it('a missing key file is named', async () => {
    const run = await runServer({ EMBEDDED_DB_DIR: 'memory', FLOW_PRIVATE_KEY_FILE: '/nonexistent/key.pem', WHATSAPP_APP_SECRET: 's' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('flowgate: Invalid configuration: FLOW_PRIVATE_KEY_FILE: cannot read /nonexistent/key.pem (ENOENT)');
  });

  it('production without a key or app secret fails with one line', async () => {
    const run = await runServer({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@127.0.0.1:1/x' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'flowgate: Invalid configuration: FLOW_PRIVATE_KEY_FILE (or FLOW_PRIVATE_KEY) is required when NODE_ENV=production',
    );
  });

  it('outside production, missing credentials are generated once into the dev keys folder and reused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-dev-'));
    dirs.push(dir);
    const keysDir = join(dir, 'keys');
    const first = await startTestApp({
      env: { FLOW_PRIVATE_KEY: undefined, WHATSAPP_APP_SECRET: undefined, FLOW_DEV_KEYS_DIR: keysDir },
    });
    const publicPem = readFileSync(join(keysDir, 'public.pem'), 'utf8');
    const secret = readFileSync(join(keysDir, 'app-secret'), 'utf8');
    const firstReady: any = await (await fetch(`${first.url}/health/ready`)).json();
    await first.close();
    expect(statSync(join(keysDir, 'private.pem')).mode & 0o777).toBe(0o600);
    expect(publicPem).toContain('BEGIN PUBLIC KEY');

    const second = await startTestApp({
      env: { FLOW_PRIVATE_KEY: undefined, WHATSAPP_APP_SECRET: undefined, FLOW_DEV_KEYS_DIR: keysDir },
    });
    try {
      const secondReady: any = await (await fetch(`${second.url}/health/ready`)).json();
      expect(secondReady.details.keys.current).toBe(firstReady.details.keys.current);
      expect(readFileSync(join(keysDir, 'app-secret'), 'utf8')).toBe(secret);
      expect(existsSync(join(keysDir, 'private.pem'))).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('the built server says it generated the credentials, then that it reused them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-dev-run-'));
    dirs.push(dir);
    const env = { EMBEDDED_DB_DIR: 'memory', NODE_ENV: 'development', FLOW_DEV_KEYS_DIR: join(dir, 'keys') };
    const first = await startServer(env, await freePort());
    await first.stop();
    expect(first.output()).toContain('(generated now)');
    expect(first.output()).toContain('BEGIN PUBLIC KEY');
    const second = await startServer(env, await freePort());
    await second.stop();
    expect(second.output()).toContain('(reused)');
    // Two built servers start one after the other (each up to 60 s on a loaded machine).
  }, 150_000);

  it('a dangling private.pem link in the dev keys folder stops the boot with one line; the key never lands at its target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgate-dev-link-'));
    dirs.push(dir);
    const keysDir = join(dir, 'keys');
    mkdirSync(keysDir, { mode: 0o700 });
    symlinkSync(join(dir, 'target.pem'), join(keysDir, 'private.pem'));
    const run = await runServer({ EMBEDDED_DB_DIR: 'memory', NODE_ENV: 'development', FLOW_DEV_KEYS_DIR: keysDir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `flowgate: Invalid configuration: FLOW_DEV_KEYS_DIR: ${join(keysDir, 'private.pem')} is a symbolic link; remove it (Flowgate creates this file itself)`,
    );
    expect(existsSync(join(dir, 'target.pem'))).toBe(false);
  });

  it('the generated dev keys folder is git-ignored', () => {
    const gitignore = readFileSync(join(import.meta.dirname, '../../.gitignore'), 'utf8');
    expect(gitignore).toMatch(/^config\/keys\/$/m);
  });
});
