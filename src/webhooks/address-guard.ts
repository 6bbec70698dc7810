import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { badInput } from "../errors/gateway-error.js";

/**
 * Webhook URLs are chosen by API keys' holders, and the gateway POSTs to them from inside its network: without a
 * guard, a partner could make it call the metadata service (169.254.169.254), a database's HTTP port or anything
 * else on loopback or the private ranges (server-side request forgery). So, unless `webhooks.allowPrivateAddresses`
 * is on (the demo and tests, whose receivers are on 127.0.0.1), a webhook's host must resolve to public addresses
 * only: checked when the webhook is created (a clear error for its creator) and again on every connection (a
 * name that resolved to a public address then may resolve to a private one later: DNS rebinding).
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64: an IPv4 address behind it, which could be private
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, `::ffff:a00:1`): the IPv4 address it stands for, else null. */
function mappedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Whether `address` (an IP literal) is loopback, private, link-local or otherwise not a public host's. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return NOT_PUBLIC.check(bare, "ipv4");
  if (family === 6) {
    const v4 = mappedIpv4(bare);
    return v4 !== null ? NOT_PUBLIC.check(v4, "ipv4") : NOT_PUBLIC.check(bare, "ipv6");
  }
  // Not an address at all: refused, since nothing can be said of where it leads.
  return true;
}

/** What a URL's host looks like as an address: IPv6 literals come bracketed in a URL. */
function hostAddress(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** Resolves a host to all its addresses, as connections will: the seam tests use to resolve names their way. */
export type ResolveHost = (host: string) => Promise<string[]>;

const resolveWithDns: ResolveHost = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

export interface UrlCheckOptions {
  allowPrivateAddresses: boolean;
  resolve?: ResolveHost;
}

/** The longest webhook URL accepted: far more than any real receiver needs, and bounded for the store and the log. */
export const MAX_URL_LENGTH = 2048;

/**
 * A webhook URL as given at creation, checked: absolute http(s), no credentials in it (the signature is how the
 * receiver authenticates the gateway, and a URL is shown in listings), no fragment, and, unless private addresses
 * are allowed, a host that resolves to public addresses only. A refusal is BAD_USER_INPUT naming `field`; its
 * message never quotes the URL or what it resolved to.
 */
export async function checkWebhookUrl(raw: string, field: string[], options: UrlCheckOptions): Promise<URL> {
  if (raw.length === 0 || raw.length > MAX_URL_LENGTH) throw badInput(field, `a webhook URL has 1 to ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(field, "a webhook URL must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badInput(field, "a webhook URL must use http:// or https://");
  if (url.username !== "" || url.password !== "") {
    throw badInput(field, "a webhook URL must not carry credentials: receivers verify the signature instead");
  }
  if (url.hash !== "") throw badInput(field, "a webhook URL must not have a #fragment");
  if (options.allowPrivateAddresses) return url;
  const host = hostAddress(url);
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = await (options.resolve ?? resolveWithDns)(host);
    } catch {
      throw badInput(field, "the webhook URL's host does not resolve");
    }
  }
  if (addresses.length === 0) throw badInput(field, "the webhook URL's host does not resolve");
  if (addresses.some(isPrivateAddress)) {
    throw badInput(field, "the webhook URL's host is a loopback, private or reserved address; receivers must be reachable publicly");
  }
  return url;
}

/** The error a guarded connection fails with: the dispatcher records it as ADDRESS_REFUSED. */
export class PrivateAddressError extends Error {
  readonly code = "ERR_WEBHOOK_PRIVATE_ADDRESS";
  constructor() {
    super("the webhook's host resolved to a loopback, private or reserved address");
    this.name = "PrivateAddressError";
  }
}

/**
 * A `lookup` for net.connect that fails when any address the name resolves to is not public: given to the
 * dispatcher's undici Agent, so the check holds for the address actually connected to. (An IP literal is not
 * looked up by Node; the dispatcher checks those itself before sending.)
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 4);
    const refused = addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address));
    if (refused) return callback(new PrivateAddressError(), "", 4);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** Whether a URL's host is an IP literal that is not public (what `publicOnlyLookup` cannot see). */
export function isPrivateLiteral(url: URL): boolean {
  const host = hostAddress(url);
  return isIP(host) !== 0 && isPrivateAddress(host);
}
