import { BlockList, isIP } from 'node:net';

/** Addresses a download may never reach: this machine, private networks, link-local, reserved. */
function blockedAddresses(): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 3],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  list.addAddress('::', 'ipv6');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  list.addSubnet('ff00::', 8, 'ipv6');
  list.addSubnet('64:ff9b::', 96, 'ipv6');
  return list;
}

const BLOCKED = blockedAddresses();

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 address it names. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1] : address;
}

export function isLoopback(address: string): boolean {
  const plain = unmapped(address);
  return isIP(plain) === 4 ? plain.startsWith('127.') : plain === '::1';
}

/** Whether a download may connect to `address` (an IP literal). */
export function addressAllowed(address: string, options: { allowLoopback: boolean }): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return false;
  if (options.allowLoopback && isLoopback(plain)) return true;
  return !BLOCKED.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether `host` matches the allow-list: exact names, or `*.domain` for any subdomain of domain. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const name = host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
  return patterns.some((pattern) =>
    pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1 : name === pattern,
  );
}

/** A URL without its query and fragment (signatures, tokens), for logs and errors. */
export function redactedUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.length > 40 ? `${url.pathname.slice(0, 40)}…` : url.pathname}`;
}
