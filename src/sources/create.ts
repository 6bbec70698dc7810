import type { SourceConfig } from "../config/schema.js";
import type { Store } from "../store/store.js";
import { CryptolensSource } from "./cryptolens/source.js";
import { CustomerareaSource } from "./customerarea/source.js";
import { EnirisSource } from "./eniris/source.js";
import { EsmartSource } from "./esmart/source.js";
import { LocalSource } from "./local/source.js";
import type { LicenseSource } from "./source.js";

/** Builds the configured vendor sources, then the local store's source, which is always present and last. */
export function createSources(configs: Record<string, SourceConfig>, store: Store): LicenseSource[] {
  const vendors = Object.entries(configs).map(([id, config]): LicenseSource => {
    switch (config.kind) {
      case "eniris":
        return new EnirisSource(id, config);
      case "cryptolens":
        return new CryptolensSource(id, config);
      case "customerarea":
        return new CustomerareaSource(id, config);
      case "esmart":
        return new EsmartSource(id, config);
    }
  });
  return [...vendors, new LocalSource(store)];
}
