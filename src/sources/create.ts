import type { SourceConfig } from "../config/schema.js";
import type { Store } from "../store/store.js";
import { EnirisSource } from "./eniris/source.js";
import { LocalSource } from "./local/source.js";
import type { LicenseSource } from "./source.js";

/** Builds the configured vendor sources, then the local store's source, which is always present and last. */
export function createSources(configs: Record<string, SourceConfig>, store: Store): LicenseSource[] {
  const vendors = Object.entries(configs).map(([id, config]): LicenseSource => {
    switch (config.kind) {
      case "eniris":
        return new EnirisSource(id, config);
    }
  });
  return [...vendors, new LocalSource(store)];
}
