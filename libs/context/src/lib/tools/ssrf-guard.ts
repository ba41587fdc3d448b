import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { ContextError } from '../context.errors';

/**
 * The SSRF guard of the HTTP tool: which URLs and addresses an agent's HTTP call may reach.
 *
 * - The URL is parsed by WHATWG URL, which normalises every IPv4 spelling (`2130706433`, `0x7f.1`,
 *   `0177.0.0.1`, `127.1`) to dotted decimal, so the address checks below see the real address.
 * - Names are resolved here (all addresses); the call is refused unless EVERY address is public
 *   unicast, and the connection is then made to the vetted address (see {@link pinnedLookup}), so a
 *   second, different DNS answer (rebinding) cannot swap it.
 * - Addresses are classified by ipaddr.js (its range tables), not by regexes; only `unicast` passes,
 *   plus a few extra refusals it does not name (IPv4-compatible IPv6, IPv6 outside 2000::/3).
 *   6to4 and Teredo embed an IPv4 address that may be private and route through relays: refused whole.
 * - Cloud metadata endpoints are refused by name as well as by address.
 * Every redirect hop goes through {@link vetTarget} again (SafeHttpFetcher).
 */

export interface HttpTargetPolicy {
  /** Exact hosts or `*.example.com` (any depth of subdomain, not the apex); empty: any public host. */
  allowedHosts: readonly string[];
  /** Plain http allowed (https only by default). */
  allowHttp: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (the default uses the system resolver; tests pass their own). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface VettedTarget {
  url: URL;
  /** The host name as in the URL (lower case, no brackets, no trailing dot). */
  hostname: string;
  /** The address the connection must go to. */
  address: string;
  family: 4 | 6;
}

/** Names of metadata services (refused even if they resolve to something that looks public). */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com']);

/** Addresses of metadata services (also covered by the range checks; named for a clear reason). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200']);

/** IPv6 global unicast: everything outside it is special or unallocated. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

export class HttpTargetBlockedError extends ContextError {
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super('context.http_target_blocked', 'permission_denied', `The HTTP tool may not reach this target: ${reason}`.slice(0, 2000), { details: { reason: reason.slice(0, 500), ...details } });
  }
}

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/** Why an address may not be reached, or null when it is public unicast. */
export function refusalOfAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.parse(address);
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString())) return `${address} is a cloud metadata address`;
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const parts = v6.parts;
    // ::a.b.c.d (IPv4-compatible, deprecated) is not in ipaddr.js's range tables; :: and ::1 are.
    if (parts.slice(0, 6).every((part) => part === 0) && !(parts[6] === 0 && (parts[7] ?? 0) <= 1)) return `${address} is an IPv4-compatible IPv6 address`;
    if (v6.isIPv4MappedAddress()) return `${address} is an IPv4-mapped IPv6 address (${v6.toIPv4Address().toString()})`;
    const range = v6.range();
    if (range !== 'unicast') return `${address} is in the ${range} range`;
    if (!v6.match(GLOBAL_UNICAST_V6)) return `${address} is outside IPv6 global unicast (2000::/3)`;
    return null;
  }
  const range = (parsed as ipaddr.IPv4).range();
  return range === 'unicast' ? null : `${address} is in the ${range} range`;
}

/** Lower case, without IPv6 brackets or a trailing dot. */
export function normalisedHostname(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase().replace(/\.+$/, '');
    if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1)) && hostname.length > pattern.length - 1;
    return hostname === pattern;
  });
}

/** Checks a URL and resolves it to the one address the request will connect to; throws HttpTargetBlockedError. */
export async function vetTarget(raw: string | URL, policy: HttpTargetPolicy, resolve: HostResolver = systemResolver): Promise<VettedTarget> {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : new URL(raw.href);
  } catch {
    throw new HttpTargetBlockedError('not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    throw new HttpTargetBlockedError(`scheme ${url.protocol.replace(/:$/, '')} is not allowed (${policy.allowHttp ? 'http and https' : 'https'} only)`);
  }
  if (url.username || url.password) throw new HttpTargetBlockedError('credentials in the URL are not allowed');
  const hostname = normalisedHostname(url);
  if (!hostname) throw new HttpTargetBlockedError('the URL has no host');
  if (METADATA_HOSTNAMES.has(hostname)) throw new HttpTargetBlockedError(`${hostname} is a cloud metadata host`);
  if (!hostAllowed(hostname, policy.allowedHosts)) throw new HttpTargetBlockedError(`host ${hostname} is not among the tool's allowed hosts`, { host: hostname });

  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(hostname)) {
    addresses = [{ address: hostname, family: ipaddr.parse(hostname).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new HttpTargetBlockedError(`host ${hostname} does not resolve`, { host: hostname });
    }
    if (addresses.length === 0) throw new HttpTargetBlockedError(`host ${hostname} does not resolve`, { host: hostname });
  }
  // Every answer must be public: a resolver that mixes a public and a private address is hostile.
  for (const candidate of addresses) {
    const refusal = refusalOfAddress(candidate.address);
    if (refusal) throw new HttpTargetBlockedError(hostname === candidate.address ? refusal : `${hostname} resolves to ${refusal}`, { host: hostname });
  }
  const chosen = addresses[0] as ResolvedAddress;
  return { url, hostname, address: chosen.address, family: chosen.family };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

/**
 * A `net.connect` lookup that answers only with the vetted address (for the vetted name), so the
 * socket goes where the guard looked. `dial` maps the vetted address to the one actually dialled:
 * the identity in production; tests use it to stand in for the internet with a local server.
 */
export function pinnedLookup(target: VettedTarget, dial: (address: string) => string = (address) => address) {
  return (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const name = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
    if (name !== target.hostname) {
      const error = Object.assign(new Error(`lookup of ${hostname} refused: only the vetted host ${target.hostname} may be dialled`), { code: 'ENOTFOUND' });
      done(error, all ? [] : '', undefined);
      return;
    }
    const address = dial(target.address);
    const family = ipaddr.isValid(address) && ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4;
    if (all) done(null, [{ address, family }]);
    else done(null, address, family);
  };
}
