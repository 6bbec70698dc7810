import { createHash } from "node:crypto";
import { cachedSource } from "../cache/cached-source.js";
import type { Invalidation } from "../cache/invalidation.js";
import type { SourceCache } from "../cache/source-cache.js";
import { sourceCacheSchema } from "../config/source-options.js";
import type { Store } from "../store/store.js";
import { LocalSource } from "./local/source.js";
import { VENDORS } from "./registry.js";
import type { LicenseSource } from "./source.js";
import type { SourceContext, VendorConfig, Vendors } from "./vendor-module.js";

export interface SourceCaching {
  cache: SourceCache;
  invalidation: Invalidation;
}

/**
 * Builds the configured vendor sources, then the local store's source, which is always present and last. With
 * `caching`, each vendor source's reads are reused across requests for its `cache.ttlMs`; the local store is
 * read fresh every time (it is a local query, and other replicas may write it). `context` is given to every vendor
 * source: where to share access tokens, where to report its calls.
 */
export function createSources(
  configs: Readonly<Record<string, VendorConfig>>,
  store: Store,
  caching?: SourceCaching,
  context: SourceContext = {},
  vendors: Vendors = VENDORS,
): LicenseSource[] {
  const upstream = Object.entries(configs).map(([id, config]) => {
    const source = vendorSource(id, config, context, vendors);
    return caching ? cachedSource(source, credentialScope(id, config), cachePolicyOf(config), caching.cache, caching.invalidation) : source;
  });
  return [...upstream, new LocalSource(store)];
}

/** How long a source's answers are reused, its defaults applied. */
function cachePolicyOf(config: VendorConfig) {
  return config.cache ?? sourceCacheSchema.parse({});
}

/**
 * Names the source instance and the credentials it calls with, without the secret: a one-way fingerprint of its
 * whole config. Answers cached under one credential are never served under another, even in a shared cache.
 */
function credentialScope(id: string, config: VendorConfig): string {
  return `${id}#${createHash("sha256").update(JSON.stringify(config)).digest("base64url").slice(0, 16)}`;
}

/**
 * The source of the vendor `config.kind` names, from `vendors` (the registry, or a test's own list), given what the
 * gateway gives every source (`context`: shared tokens, telemetry).
 */
export function vendorSource(id: string, config: VendorConfig, context: SourceContext = {}, vendors: Vendors = VENDORS): LicenseSource {
  const vendor = vendors.find((candidate) => candidate.kind === config.kind);
  // The config was parsed against the same list, so only a caller that built a config by hand can get here.
  if (vendor === undefined) throw new Error(`source "${id}": no vendor of kind "${config.kind}" is registered`);
  return vendor.create(id, config, context);
}
