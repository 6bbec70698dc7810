import { z } from "zod";

/** Options every upstream source accepts. Defaults are the documented ones; say so when you change them. */
const upstreamOptions = {
  /** Total time for one upstream call, connect included. Default 10 s (Eniris' own clients use 30-60 s; a gateway answering people should give up sooner). */
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Keep-alive connections per vendor host. Default 16. */
  connections: z.number().int().positive().max(1024).default(16),
  /** Largest vendor response body accepted, in bytes. Default 5 MiB; anything larger is UPSTREAM_BAD_RESPONSE. */
  maxResponseBytes: z.number().int().positive().default(5 * 1024 * 1024),
};

const enirisSource = z
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

const httpUrl = z.url({ protocol: /^https?$/ });

/** Cryptolens Web API (seed 004): an access token with GetCustomerLicenses, GetKey, Activate and Deactivate rights. */
const cryptolensSource = z.strictObject({
  kind: z.literal("cryptolens"),
  url: httpUrl,
  token: z.string().min(1),
  productId: z.number().int().positive(),
  ...upstreamOptions,
});

/** FlashStart's reseller "Customerarea" licences API (seed 002). */
const customerareaSource = z.strictObject({
  kind: z.literal("customerarea"),
  url: httpUrl,
  apiKey: z.string().min(1),
  ...upstreamOptions,
});

/** eSmart Systems customer web API (seed 003): profiles and controller hardware. `area` picks the X-Area header. */
const esmartSource = z.strictObject({
  kind: z.literal("esmart"),
  url: httpUrl,
  username: z.string().min(1),
  password: z.string().min(1),
  area: z.enum(["power", "net"]).default("power"),
  ...upstreamOptions,
});

export const sourceConfigSchema = z.discriminatedUnion("kind", [enirisSource, cryptolensSource, customerareaSource, esmartSource]);

/** Source ids become `Source.id` and part of every `License.id`, so they are short, lowercase and stable. */
const SOURCE_ID = /^[a-z][a-z0-9_-]{0,31}$/;

// Checked here rather than as the record's key schema, whose errors would not carry these messages.
const sources = z.record(z.string(), sourceConfigSchema).superRefine((value, ctx) => {
  for (const id of Object.keys(value)) {
    if (!SOURCE_ID.test(id)) {
      ctx.addIssue({ code: "custom", path: [id], message: "a source id is 1-32 lowercase letters, digits, '-' or '_', starting with a letter" });
    } else if (id === "local") {
      ctx.addIssue({ code: "custom", path: [id], message: "'local' is reserved for the gateway's own store" });
    }
  }
});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default("0.0.0.0"),
      port: z.number().int().min(0).max(65535).default(4000),
    })
    .default({ host: "0.0.0.0", port: 4000 }),
  store: z
    .strictObject({
      /** `pglite://<dir>` (embedded, the default), `memory://` (embedded, nothing kept), or `postgres://...`. */
      url: z.string().regex(/^(pglite|memory|postgres|postgresql):\/\//, "must start with pglite://, memory://, postgres:// or postgresql://").default("pglite://./data/store"),
    })
    .default({ url: "pglite://./data/store" }),
  sources: sources.default({}),
});

export type GatewayConfig = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type EnirisSourceConfig = Extract<SourceConfig, { kind: "eniris" }>;
export type CryptolensSourceConfig = Extract<SourceConfig, { kind: "cryptolens" }>;
export type CustomerareaSourceConfig = Extract<SourceConfig, { kind: "customerarea" }>;
export type EsmartSourceConfig = Extract<SourceConfig, { kind: "esmart" }>;
