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
    ['192.0.2.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 3],
  ] as const) {
    list.addSubnet(network, prefix, 'ipv4');
  }
  list.addAddress('::', 'ipv6');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('100::', 64, 'ipv6'); // discard-only
  list.addSubnet('64:ff9b:1::', 48, 'ipv6'); // local-use NAT64
  list.addSubnet('2001:db8::', 32, 'ipv6'); // documentation
  list.addSubnet('2001:10::', 28, 'ipv6'); // ORCHID
  list.addSubnet('fc00::', 7, 'ipv6');
  list.addSubnet('fe80::', 10, 'ipv6');
  list.addSubnet('fec0::', 10, 'ipv6'); // site-local (deprecated, still routed inside some networks)
  list.addSubnet('ff00::', 8, 'ipv6');
  return list;
}

const BLOCKED = blockedAddresses();

/** The 16 bytes of an IPv6 address (`::` expanded, a trailing dotted IPv4 read, a zone dropped). */
function ipv6Bytes(address: string): Buffer | undefined {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const octets = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16) & 0xffff, index * 2));
  return bytes;
}

const ipv4At = (bytes: Buffer, offset: number, mask = 0) => [0, 1, 2, 3].map((i) => (bytes[offset + i] ^ mask) & 0xff).join('.');
const zero = (bytes: Buffer, from: number, to: number) => bytes.subarray(from, to).every((byte) => byte === 0);

/**
 * The IPv4 addresses an IPv6 address carries, which a packet to it may reach: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16, the
 * gateway in bits 16-48) and Teredo (2001::/32: the server, and the client with its bits inverted).
 */
export function embeddedIpv4(address: string): string[] {
  const bytes = ipv6Bytes(address);
  if (!bytes) return [];
  if (zero(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return [ipv4At(bytes, 12)];
  if (zero(bytes, 0, 12)) return [ipv4At(bytes, 12)];
  if (zero(bytes, 0, 8) && bytes.readUInt16BE(8) === 0xffff && zero(bytes, 10, 12)) return [ipv4At(bytes, 12)];
  if (bytes.readUInt32BE(0) === 0x0064ff9b && zero(bytes, 4, 12)) return [ipv4At(bytes, 12)];
  if (bytes.readUInt16BE(0) === 0x2002) return [ipv4At(bytes, 2)];
  if (bytes.readUInt32BE(0) === 0x20010000) return [ipv4At(bytes, 4), ipv4At(bytes, 12, 0xff)];
  return [];
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1, ::ffff:a00:1) is the IPv4 address it names. */
function unmapped(address: string): string {
  if (isIP(address) !== 6) return address;
  const bytes = ipv6Bytes(address);
  return bytes && zero(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff ? ipv4At(bytes, 12) : address;
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
  if (family === 4) return !BLOCKED.check(plain, 'ipv4');
  if (BLOCKED.check(plain.replace(/%.*$/, ''), 'ipv6')) return false;
  // An address that carries an IPv4 address is refused when that one is.
  return embeddedIpv4(plain).every((ipv4) => !BLOCKED.check(ipv4, 'ipv4'));
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
