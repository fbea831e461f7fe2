import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { addressAllowed, embeddedIpv4, hostAllowed, redactedUrl } from './address-policy.js';
import { mediaConfig } from './media.config.js';

describe('media download policy', () => {
  it('allows public addresses and refuses loopback, private, link-local and reserved ones (IPv4, IPv6, mapped)', () => {
    const strict = { allowLoopback: false };
    for (const address of ['157.240.1.1', '31.13.64.52', '2a03:2880:f12f:83:face:b00c:0:25de']) expect(addressAllowed(address, strict)).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      expect([address, addressAllowed(address, strict)]).toEqual([address, false]);
    }
    // The development setting opens loopback only: private networks stay refused.
    expect(addressAllowed('127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(addressAllowed('::1', { allowLoopback: true })).toBe(true);
    expect(addressAllowed('10.0.0.1', { allowLoopback: true })).toBe(false);
  });

  it('checks the IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo) against the same list', () => {
    const strict = { allowLoopback: false };
    expect(embeddedIpv4('::ffff:7f00:1')).toEqual(['127.0.0.1']);
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toEqual(['169.254.169.254']);
    expect(embeddedIpv4('2002:a00:1::1')).toEqual(['10.0.0.1']);
    // Teredo: server 65.54.227.120, client 10.0.0.1 stored with its bits inverted.
    expect(embeddedIpv4('2001:0:4136:e378:8000:63bf:f5ff:fffe')).toEqual(['65.54.227.120', '10.0.0.1']);
    expect(embeddedIpv4('2a03:2880:f12f:83:face:b00c:0:25de')).toEqual([]);
    for (const address of [
      '::ffff:7f00:1', // IPv4-mapped 127.0.0.1, hex form (as URLs normalise [::ffff:127.0.0.1])
      '::ffff:a9fe:a9fe', // mapped 169.254.169.254
      '::ffff:0:a00:1', // IPv4-translated 10.0.0.1
      '::127.0.0.1', // IPv4-compatible
      '::a00:1', // IPv4-compatible 10.0.0.1
      '::c0a8:101', // IPv4-compatible 192.168.1.1
      '64:ff9b::10.0.0.1', // NAT64
      '64:ff9b::a9fe:a9fe', // NAT64 169.254.169.254
      '64:ff9b:1::a00:1', // local-use NAT64
      '2002:7f00:1::', // 6to4 of 127.0.0.1
      '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
      '2002:c0a8:101:1::1', // 6to4 of 192.168.1.1
      '2001:0:4136:e378:8000:63bf:f5ff:fffe', // Teredo, client 10.0.0.1
      '2001:0:a00:1::1', // Teredo, server 10.0.0.1
      '2001:db8::1', // documentation
      'fec0::1', // site-local
      'fe80::1%eth0', // link-local with a zone
    ]) {
      expect([address, addressAllowed(address, strict)]).toEqual([address, false]);
    }
    // The same forms carrying a public address are allowed.
    for (const address of ['::ffff:9df0:101', '64:ff9b::9df0:101', '2002:9df0:101::1', '2001:0:9df0:101:0:0:62e5:f2ac']) {
      expect([address, addressAllowed(address, strict)]).toEqual([address, true]);
    }
    // The development setting opens loopback in its mapped forms too, nothing else.
    expect(addressAllowed('::ffff:7f00:1', { allowLoopback: true })).toBe(true);
    expect(addressAllowed('2002:a00:1::1', { allowLoopback: true })).toBe(false);
  });

  it('matches hosts exactly or by *.domain, never by a suffix that is not a subdomain', () => {
    const hosts = ['mmg.whatsapp.net', '*.fbcdn.net'];
    expect(hostAllowed('mmg.whatsapp.net', hosts)).toBe(true);
    expect(hostAllowed('MMG.WhatsApp.net.', hosts)).toBe(true);
    expect(hostAllowed('scontent.xx.fbcdn.net', hosts)).toBe(true);
    expect(hostAllowed('fbcdn.net', hosts)).toBe(false);
    expect(hostAllowed('evilfbcdn.net', hosts)).toBe(false);
    expect(hostAllowed('mmg.whatsapp.net.evil.com', hosts)).toBe(false);
  });

  it('redacts query strings (CDN signatures) from URLs it logs', () => {
    expect(redactedUrl(new URL('https://mmg.whatsapp.net/v/t62/abc.enc?oh=SIGNATURE&oe=1'))).toBe('https://mmg.whatsapp.net/v/t62/abc.enc');
  });

  describe('configuration', () => {
    const load = (env: Record<string, string>) => {
      const saved = { ...process.env };
      Object.assign(process.env, env);
      try {
        return mediaConfig();
      } finally {
        for (const key of Object.keys(env)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    };

    it("defaults to WhatsApp's CDN domains", () => {
      expect(load({}).hosts).toEqual(['mmg.whatsapp.net', '*.whatsapp.net', '*.fbcdn.net', 'lookaside.fbsbx.com']);
    });

    it('refuses the development settings in production with one line naming the variable', () => {
      expect(() => load({ NODE_ENV: 'production', FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true' })).toThrow(
        /^Invalid configuration: FLOW_MEDIA_DEV_ALLOW_LOOPBACK is for development and tests only and refused when NODE_ENV=production$/,
      );
      // Refused before the file is even read: a production server never looks at it.
      expect(() => load({ NODE_ENV: 'production', FLOW_MEDIA_DEV_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
        /^Invalid configuration: FLOW_MEDIA_DEV_CA_FILE is for development and tests only and refused when NODE_ENV=production$/,
      );
      expect(load({ NODE_ENV: 'production', FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'false' }).allowLoopback).toBe(false);
    });

    it('in development, trusts the CA file it is given and opens loopback', () => {
      const dir = mkdtempSync(join(tmpdir(), 'flowgate-media-ca-'));
      try {
        const pem = `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`;
        writeFileSync(join(dir, 'ca.pem'), pem);
        const config = load({ NODE_ENV: 'development', FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'true', FLOW_MEDIA_DEV_CA_FILE: join(dir, 'ca.pem') });
        expect(config).toMatchObject({ allowLoopback: true, devCa: pem });
        expect(load({}).devCa).toBeUndefined();
        // A PEM file that is a key, not a certificate (made here: no key is kept in the repository).
        const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
        writeFileSync(join(dir, 'key.pem'), key);
        expect(() => load({ FLOW_MEDIA_DEV_CA_FILE: join(dir, 'key.pem') })).toThrow(
          /^Invalid configuration: FLOW_MEDIA_DEV_CA_FILE \(.*key\.pem\) holds no PEM certificate$/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names the new name of a renamed setting', () => {
      expect(() => load({ FLOW_MEDIA_TEST_CA_FILE: '/x.pem' })).toThrow(
        /^Invalid configuration: FLOW_MEDIA_TEST_CA_FILE is now called FLOW_MEDIA_DEV_CA_FILE$/,
      );
      expect(() => load({ FLOW_MEDIA_TEST_ALLOW_LOOPBACK: 'true' })).toThrow(
        /FLOW_MEDIA_TEST_ALLOW_LOOPBACK is now called FLOW_MEDIA_DEV_ALLOW_LOOPBACK/,
      );
    });

    it('says which variable is wrong', () => {
      expect(() => load({ FLOW_MEDIA_HOSTS: 'mmg.whatsapp.net,http://x' })).toThrow(/FLOW_MEDIA_HOSTS has "http:\/\/x"/);
      expect(() => load({ FLOW_MEDIA_DEV_ALLOW_LOOPBACK: 'yes' })).toThrow(/FLOW_MEDIA_DEV_ALLOW_LOOPBACK must be true or false/);
      expect(() => load({ FLOW_MEDIA_MAX_BYTES: 'lots' })).toThrow(/FLOW_MEDIA_MAX_BYTES must be a whole number of bytes/);
      expect(() => load({ FLOW_MEDIA_DEV_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
        /^Invalid configuration: FLOW_MEDIA_DEV_CA_FILE cannot be read \(\/nonexistent\/ca.pem: ENOENT\)$/,
      );
    });
  });
});
