import { z } from "zod";
import { httpUrl, upstreamOptions } from "../../config/source-options.js";

/** FlashStart's reseller "Customerarea" licences API (docs/vendors/customerarea.md). */
export const customerareaConfigSchema = z.strictObject({
  kind: z.literal("customerarea"),
  url: httpUrl,
  apiKey: z.string().min(1),
  ...upstreamOptions,
});

export type CustomerareaSourceConfig = z.infer<typeof customerareaConfigSchema>;
