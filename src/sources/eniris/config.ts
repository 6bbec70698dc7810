import { z } from "zod";
import { upstreamOptions } from "../../config/source-options.js";

/** An Eniris brand's license API and its auth host: a refresh token, or a login, to obtain access tokens with. */
export const enirisConfigSchema = z
  .strictObject({
    kind: z.literal("eniris"),
    apiUrl: z.url({ protocol: /^https?$/ }),
    authUrl: z.url({ protocol: /^https?$/ }),
    refreshToken: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    ...upstreamOptions,
  })
  .refine((s) => s.refreshToken !== undefined || (s.username !== undefined && s.password !== undefined), {
    message: "needs either refreshToken, or username and password",
  });

export type EnirisSourceConfig = z.infer<typeof enirisConfigSchema>;
