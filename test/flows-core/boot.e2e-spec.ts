import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Flow, FlowResponse, FlowScreen } from '../../src/flows-core/index.js';
import { Injectable } from '@nestjs/common';
import { runServer } from '../support/server-process.js';
import { startTestApp } from '../support/test-app.js';

@Flow('orders')
class OrdersFlow {
  @FlowScreen('CART')
  cart() {
    return FlowResponse.navigate('CART');
  }
}

@Flow('orders')
class LegacyOrdersFlow {
  @FlowScreen('CART')
  cart() {
    return FlowResponse.navigate('CART');
  }
}

@Flow('payments')
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

@Injectable()
class NotAFlow {
  @FlowScreen('LOST')
  lost() {
    return FlowResponse.navigate('LOST');
  }
}

@Module({ providers: [OrdersFlow, LegacyOrdersFlow] })
class DuplicateFlowModule {}

@Module({ providers: [PaymentsFlow] })
class DuplicateScreenModule {}

@Module({ providers: [NotAFlow] })
class StrayHandlerModule {}

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

  it('a handler decorator outside a @Flow class', async () => {
    await expect(startTestApp({ modules: [StrayHandlerModule] })).rejects.toThrow(
      'NotAFlow.lost has a flow handler decorator but NotAFlow has no @Flow()',
    );
  });
});

describe('credentials at boot', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('a key that does not parse stops the boot with one line naming the variable', async () => {
    const run = await runServer({ EMBEDDED_DB_DIR: 'memory', FLOW_PRIVATE_KEY: 'not a key', WHATSAPP_APP_SECRET: 's' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'flowgate: Invalid configuration: FLOW_PRIVATE_KEY: not a PEM private key, or the passphrase is wrong',
    );
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

  it('the generated dev keys folder is git-ignored', () => {
    const gitignore = readFileSync(join(import.meta.dirname, '../../.gitignore'), 'utf8');
    expect(gitignore).toMatch(/^config\/keys\/$/m);
  });
});
