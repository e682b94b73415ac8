import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { FieldError } from '../../common/errors/domain-error';

/** A notification channel that names a webhook: `webhook:https://…`. */
export const WEBHOOK_CHANNEL_PREFIX = 'webhook:';
/** The width of `webhook_deliveries.url`. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** What a delivery records when its host turns out to be private (checked on each connection). */
export const PRIVATE_ADDRESS_REFUSED = 'refused: private address';

/**
 * Addresses a webhook must not reach from inside the deployment: unspecified, loopback, private,
 * carrier-grade NAT, link-local, multicast and reserved ranges. `BlockList` also matches an IPv4
 * rule against its IPv4-mapped IPv6 form (`::ffff:127.0.0.1`).
 */
const PRIVATE_RANGES = new BlockList();
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
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

/** True for an IP address in a range a webhook may not reach; false for a public one or a name. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL's host without IPv6 brackets (`[::1]` → `::1`). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The URL of a `webhook:` channel, or null for a channel of another kind. */
export function webhookUrlOf(channel: string): string | null {
  return channel.slice(0, WEBHOOK_CHANNEL_PREFIX.length).toLowerCase() === WEBHOOK_CHANNEL_PREFIX ? channel.slice(WEBHOOK_CHANNEL_PREFIX.length) : null;
}

/** The distinct webhook URLs among `channels`. */
export function webhookUrls(channels: readonly string[]): string[] {
  return [...new Set(channels.map(webhookUrlOf).filter((url): url is string => url !== null))];
}

/**
 * What is wrong with the `webhook:` entries of `notification_channels` (other kinds are the
 * notification service's): an https URL (http only with `allowPrivate`), no user or password in
 * it, and no literal private address or `localhost` unless `allowPrivate`. A host name is
 * resolved, and refused when private, at each delivery instead: its addresses can change.
 */
export function webhookChannelProblems(channels: readonly string[], allowPrivate: boolean): FieldError[] {
  return channels.flatMap((channel, index) => {
    const raw = webhookUrlOf(channel);
    if (raw === null) return [];
    const problem = urlProblem(raw, allowPrivate);
    return problem === null ? [] : [{ loc: ['body', 'notification_channels', index], msg: problem, type: 'webhook_url' }];
  });
}

function urlProblem(raw: string, allowPrivate: boolean): string | null {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return `A webhook URL has at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'webhook: must be followed by an absolute https:// URL';
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return `A webhook URL must be ${allowPrivate ? 'https:// or http://' : 'https://'}`;
  if (url.username !== '' || url.password !== '') return 'A webhook URL must not carry a user name or password';
  if (allowPrivate) return null;
  const host = hostOf(url).toLowerCase().replace(/\.$/, '');
  if (isPrivateAddress(host) || host === 'localhost' || host.endsWith('.localhost')) return 'A webhook URL must not point at a loopback, private or link-local address';
  return null;
}

/** Thrown when a webhook's host is (or resolves to) a private address. */
export class PrivateAddressError extends Error {
  constructor() {
    super(PRIVATE_ADDRESS_REFUSED);
    this.name = 'PrivateAddressError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that refuses private addresses. It runs on the connection itself,
 * so the address checked is the address connected to: a name cannot resolve to a public address
 * for a check and to a private one for the request (DNS rebinding).
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0 || addresses.some((entry) => isPrivateAddress(entry.address))) return callback(new PrivateAddressError(), []);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
