import { resilienceSchema, type ResilienceConfig } from "../../config/source-options.js";

/**
 * A source's resilience settings with their documented defaults (`resilienceSchema`). The config leaves the
 * section optional, so this is the one place the defaults are filled in; every source calls it once.
 */
export function resilienceOf(config: { resilience?: ResilienceConfig | undefined }): ResilienceConfig {
  return resilienceSchema.parse(config.resilience ?? {});
}
