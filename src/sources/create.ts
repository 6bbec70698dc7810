import { createHash } from "node:crypto";
import { cachedSource } from "../cache/cached-source.js";
import type { Invalidation } from "../cache/invalidation.js";
import type { SourceCache } from "../cache/source-cache.js";
import { sourceCacheSchema, type SourceConfig } from "../config/schema.js";
import type { Store } from "../store/store.js";
import { CryptolensSource } from "./cryptolens/source.js";
import { CustomerareaSource } from "./customerarea/source.js";
import { EnirisSource } from "./eniris/source.js";
import { EsmartSource } from "./esmart/source.js";
import { LocalSource } from "./local/source.js";
import type { SharedTokens } from "./shared-tokens.js";
import type { LicenseSource } from "./source.js";

export interface SourceCaching {
  cache: SourceCache;
  invalidation: Invalidation;
}

/**
 * Builds the configured vendor sources, then the local store's source, which is always present and last. With
 * `caching`, each vendor source's reads are reused across requests for its `cache.ttlMs`; the local store is
 * read fresh every time (it is a local query, and other replicas may write it).
 */
export function createSources(configs: Record<string, SourceConfig>, store: Store, caching?: SourceCaching, sharedTokens?: SharedTokens): LicenseSource[] {
  const vendors = Object.entries(configs).map(([id, config]) => {
    const source = vendorSource(id, config, sharedTokens);
    return caching ? cachedSource(source, credentialScope(id, config), cachePolicyOf(config), caching.cache, caching.invalidation) : source;
  });
  return [...vendors, new LocalSource(store)];
}

/** How long a source's answers are reused, its defaults applied. */
function cachePolicyOf(config: SourceConfig) {
  return config.cache ?? sourceCacheSchema.parse({});
}

/**
 * Names the source instance and the credentials it calls with, without the secret: a one-way fingerprint of its
 * whole config. Answers cached under one credential are never served under another, even in a shared cache.
 */
function credentialScope(id: string, config: SourceConfig): string {
  return `${id}#${createHash("sha256").update(JSON.stringify(config)).digest("base64url").slice(0, 16)}`;
}

/** `sharedTokens`: where sources that fetch access tokens share them with other replicas (Redis), if anywhere. */
export function vendorSource(id: string, config: SourceConfig, sharedTokens?: SharedTokens): LicenseSource {
  switch (config.kind) {
    case "eniris":
      return new EnirisSource(id, config, undefined, sharedTokens);
    case "cryptolens":
      return new CryptolensSource(id, config);
    case "customerarea":
      return new CustomerareaSource(id, config);
    case "esmart":
      return new EsmartSource(id, config);
  }
}
