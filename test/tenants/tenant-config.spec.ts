import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfigValidationError } from '../../src/config/config-validation-error.js';
import { flowsConfig, Tenants } from '../../src/flows-core/server.js';
import { TenantFolders } from './tenant-folders.js';

type Config = ReturnType<typeof flowsConfig>;

/** What the boot does with TENANTS_DIR (the Tenants provider is built before the app listens): one line naming the tenant and the file. */
describe('tenants: configuration', () => {
  let folders: TenantFolders;
  const boot = (overrides: Partial<Config> = {}) =>
    new Tenants({ tenantsDir: folders.root, metaFormatSecrets: false, secretsPollIntervalS: 10, ...overrides } as Config);
  const failure = (overrides: Partial<Config> = {}) => {
    try {
      boot(overrides);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as Error).message).not.toContain('\n');
      return (error as Error).message;
    }
    throw new Error('the boot did not fail');
  };

  afterEach(() => folders?.remove());

  it('reads one folder per tenant, and finds a tenant by phone number id, then by WABA id', () => {
    folders = new TenantFolders();
    folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922', '106540352242923'] });
    folders.add('globex', { wabaId: '203391230451409', phoneNumberIds: ['207651463353033'], passphrase: 'pass phrase' });
    const tenants = boot();
    expect(tenants.list().map((tenant) => tenant.name)).toEqual(['acme', 'globex']);
    expect(tenants.owning('106540352242923', undefined)?.name).toBe('acme');
    expect(tenants.owning('207651463353033', '102290129340398')?.name).toBe('globex'); // the number wins
    expect(tenants.owning('999999999', '203391230451409')?.name).toBe('globex');
    expect(tenants.owning(undefined, '999999999')).toBeUndefined();
    expect(tenants.get('globex')!.candidates()).toHaveLength(1);
  });

  it('no TENANTS_DIR: no tenants', () => {
    folders = new TenantFolders();
    expect(boot({ tenantsDir: undefined }).size).toBe(0);
  });

  const cases: Array<[string, (folders: TenantFolders) => void, RegExp | string]> = [
    [
      'a number of two tenants',
      (f) => {
        f.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
        f.add('globex', { wabaId: '203391230451409', phoneNumberIds: ['106540352242922'] });
      },
      `Invalid configuration: TENANTS_DIR: tenant "globex": tenant.json: phone number id 106540352242922 is tenant "acme"'s already (one tenant per WABA and per number)`,
    ],
    [
      'a private key that is not one',
      (f) => {
        f.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
        f.write('acme', 'private.pem', 'not a key');
      },
      'Invalid configuration: TENANTS_DIR: tenant "acme": private.pem: not a PEM private key, or the passphrase is wrong',
    ],
    [
      'a wrong passphrase',
      (f) => {
        f.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'], passphrase: 'right' });
        f.write('acme', 'private.pem.passphrase', 'wrong');
      },
      'Invalid configuration: TENANTS_DIR: tenant "acme": private.pem: not a PEM private key, or the passphrase is wrong',
    ],
    [
      'no app secret',
      (f) => {
        f.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
        rmSync(join(f.root, 'acme', 'app-secret'));
      },
      /^Invalid configuration: TENANTS_DIR: tenant "acme": app-secret is missing/,
    ],
    [
      'a WABA id that is not one',
      (f) => {
        f.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
        f.write('acme', 'tenant.json', JSON.stringify({ waba_id: 102290129340398, phone_number_ids: ['106540352242922'] }));
      },
      /^Invalid configuration: TENANTS_DIR: tenant "acme": tenant.json: waba_id must be the numeric WhatsApp Business Account id, as a string$/,
    ],
    [
      'an unknown field',
      (f) => {
        f.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
        f.write('acme', 'tenant.json', JSON.stringify({ waba_id: '102290129340398', phone_number_ids: ['106540352242922'], token: 'x' }));
      },
      /tenant "acme": tenant.json: unknown field token/,
    ],
    [
      'a name that cannot be a URL segment or a label',
      (f) => f.add('Acme_1', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] }),
      /tenant "Acme_1": a tenant folder name is lower-case letters/,
    ],
  ];

  it.each(cases)('%s stops the boot with one line', (_, arrange, expected) => {
    folders = new TenantFolders();
    arrange(folders);
    const message = failure();
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it("production accepts only app secrets in Meta's format", () => {
    folders = new TenantFolders();
    folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
    folders.write('acme', 'app-secret', 'guessable');
    expect(failure({ metaFormatSecrets: true })).toMatch(
      /^Invalid configuration: TENANTS_DIR: tenant "acme": app-secret: .* must hold a Meta app secret/,
    );
    expect(boot().size).toBe(1);
  });

  it('a secret never appears in an error', () => {
    folders = new TenantFolders();
    const acme = folders.add('acme', { wabaId: '102290129340398', phoneNumberIds: ['106540352242922'] });
    folders.write('acme', 'private.pem', 'garbage');
    expect(failure()).not.toContain(acme.appSecret);
  });
});
