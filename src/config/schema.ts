import { z } from "zod";
import { VENDORS } from "../sources/registry.js";
import type { ConfigSchemasOf, Vendors } from "../sources/vendor-module.js";
import { DEFAULT_STORE_URL, storeUrlProblem } from "../store/store-url.js";
import { originPatternProblem } from "./origin-patterns.js";
import { subscriptionsSchema } from "./subscriptions.js";
import { syncSchema } from "./sync.js";
import { webhooksSchema } from "./webhooks.js";

// Where a vendor's config starts from; re-exported because the rest of the gateway knows them as config.
export { DEFAULT_UPSTREAM, resilienceSchema, sourceCacheSchema } from "./source-options.js";
export type { ResilienceConfig, SourceCacheConfig } from "./source-options.js";

/** The gateway's cross-request cache (issue 5). */
const cacheSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Off: every operation asks the vendors again (per-request batching still applies)."),
    url: z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .optional()
      .describe(
        "`redis://[user:password@]host:port[/db]` or `rediss://...`: what replicas must share lives there (cached answers " +
          "and their invalidations, vendor access tokens, rate-limit counters, persisted queries), so several gateway " +
          "processes behave as one. Default: none, everything in this process.",
      ),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, "1-64 letters, digits or : _ . -")
      .default("license-gateway:")
      .describe("Prefix of every Redis key, so gateways (or tests) can share one Redis."),
    maxEntries: z.number().int().positive().default(20_000).describe("Most vendor answers kept in memory (least recently used go first)."),
    responses: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Off: whole responses are never reused (vendor answers still are)."),
        ttlMs: z
          .number()
          .int()
          .min(0)
          .max(86_400_000)
          .default(30_000)
          .describe(
            "The longest (ms) a response is reused; one that read a vendor is reused no longer than that source's ttlMs. " +
              "Changes made through the gateway invalidate it at once.",
          ),
        maxBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024 * 1024)
          .describe("Memory for cached response bodies, in bytes (64 MiB)."),
      })
      .prefault({})
      .describe("Whole query responses, reused for the same principal, document and variables until something they read changes."),
  })
  .prefault({})
  .describe("The gateway's cross-request caches: vendor answers and whole responses, in memory, shared through Redis with `url`.");

/** One entry of `sources`, of any vendor in `vendors`: its `kind` picks the vendor's own schema. */
export function sourceConfigSchemaOf<const V extends Vendors>(vendors: V) {
  return z.discriminatedUnion("kind", vendors.map((vendor) => vendor.configSchema) as ConfigSchemasOf<V>);
}

/** One entry of `sources`, of a vendor in src/sources/registry.ts. */
export const sourceConfigSchema = sourceConfigSchemaOf(VENDORS);

/** Source ids become `Source.id` and part of every `License.id`, so they are short, lowercase and stable. */
const SOURCE_ID = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * The `sources` section for `vendors`: each id checked, each entry by the schema of the vendor its `kind` names.
 * Checked here rather than as the record's key schema, whose errors would not carry these messages.
 */
export function sourcesSchemaOf<const V extends Vendors>(vendors: V) {
  return z.record(z.string(), sourceConfigSchemaOf(vendors)).superRefine((value, ctx) => {
    for (const id of Object.keys(value)) {
      if (!SOURCE_ID.test(id)) {
        ctx.addIssue({
          code: "custom",
          path: [id],
          message: "a source id is 1-32 lowercase letters, digits, '-' or '_', starting with a letter",
        });
      } else if (id === "local") {
        ctx.addIssue({ code: "custom", path: [id], message: "'local' is reserved for the gateway's own store" });
      } else if (id === "sha256") {
        // A License id is "<source>:<id>", a TrustedDocument id "sha256:<hex>": the two forms must never meet.
        ctx.addIssue({ code: "custom", path: [id], message: "'sha256' is reserved: trusted documents' ids begin with it" });
      }
    }
  });
}

const sources = sourcesSchemaOf(VENDORS);

/** Who may call the gateway (issue 4). `mode: off` is for the demo and tests only; the gateway says so at start. */
const authSchema = z
  .strictObject({
    mode: z
      .enum(["on", "off"])
      .default("on")
      .describe("`off` lets every request in as an admin: for the demo and tests only (a warning says so at start)."),
    jwt: z
      .strictObject({
        hs256Secret: z
          .string()
          .min(32, "an HS256 secret needs at least 32 characters")
          .optional()
          .describe("The shared secret of HS256-signed tokens; use a `${ENV}` reference."),
        jwksFile: z
          .string()
          .min(1)
          .optional()
          .describe(
            'A file holding `{"keys": [public JWKs]}` (RS256/ES256), instead of hs256Secret; issuer and audience are then required.',
          ),
        issuer: z.string().min(1).optional().describe("When set, a token's `iss` must be this."),
        audience: z.string().min(1).optional().describe("When set, a token's `aud` must name this."),
      })
      .optional()
      .describe("JWT bearer tokens besides API keys: an HS256 secret, or a JWKS file. Default: API keys only."),
  })
  .describe("Who may call the gateway. Required in every config file; the demo alone runs without it.");

/**
 * Requests each principal may make (src/server/rate-limit.ts): a bucket of `burst` requests, refilled at
 * `requestsPerMinute`. Counted in Redis when `cache.url` is set, so the limit holds across replicas; otherwise per
 * process.
 */
const rateLimitSchema = z.strictObject({
  requestsPerMinute: z
    .number()
    .int()
    .positive()
    .max(1_000_000)
    .describe("The sustained rate: one request's allowance comes back every 60 / requestsPerMinute seconds."),
  burst: z
    .number()
    .int()
    .positive()
    .max(1_000_000)
    .optional()
    .describe("Requests an idle client may send at once. Default: requestsPerMinute (a minute's worth)."),
});

/**
 * Web pages on other origins (single-page apps) allowed to call /graphql from a browser (src/server/cors.ts).
 * Default: none, so no answer carries an Access-Control-* header and every preflight is refused.
 */
const corsSchema = z
  .strictObject({
    // No other wildcard: src/config/origin-patterns.ts says why.
    origins: z
      .array(
        z.string().superRefine((origin, ctx) => {
          const problem = originPatternProblem(origin);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
        }),
      )
      .max(100)
      .default([])
      .describe(
        "Exact origins as browsers send them (`https://app.example.com`), or `scheme://host:*` for any port on that host " +
          "(local development servers); no other wildcard.",
      ),
    maxAgeSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(7_200)
      .describe("How long (s) a browser may reuse a preflight's answer: 2 h is Chromium's cap; Firefox allows 24 h."),
  })
  .prefault({})
  .describe("Web pages on other origins allowed to call /graphql from a browser. Default: none, so every preflight is refused.");

/** Paths the HTTP server answers itself; the metrics endpoint may not take one of them. */
const RESERVED_PATHS = new Set(["/", "/graphql", "/healthz", "/readyz"]);
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** Metrics and traces (src/observability/). Every field has a documented default; traces are off without `otlp`. */
const telemetrySchema = z
  .strictObject({
    metrics: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Serve Prometheus metrics at `path`."),
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9/_.-]{0,127}$/, "a path such as /metrics: letters, digits, / _ . -")
          .refine((path) => !RESERVED_PATHS.has(path), "is already taken by the gateway (/, /graphql, /healthz, /readyz)")
          .default("/metrics")
          .describe("Not /, /graphql, /healthz or /readyz. Not behind GraphQL authentication: see `bearerToken`."),
        bearerToken: z
          .string()
          .min(16, "at least 16 characters")
          .optional()
          .describe(
            "When set, a scrape must send `Authorization: Bearer <bearerToken>` (compared in constant time). Default: none, " +
              "so keep the path off the public network. Use a `${ENV}` reference.",
          ),
        maxOperationNames: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .default(100)
          .describe(
            'Distinct operation names counted under their own label; later names count as "other", so clients cannot grow the metrics without bound.',
          ),
      })
      .prefault({})
      .describe("Prometheus metrics, each process its own: scrape every replica."),
    tracing: z
      .strictObject({
        otlp: z
          .strictObject({
            url: z
              .url({ protocol: /^https?$/ })
              .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), "must not carry credentials; use headers")
              .describe("The collector's traces endpoint, e.g. http://otel-collector:4318/v1/traces; no credentials in it (use headers)."),
            headers: z
              .record(z.string(), z.string().regex(/^[^\r\n]*$/, "a header value cannot contain a line break"))
              .refine(
                (headers) => Object.keys(headers).every((name) => HEADER_NAME.test(name)),
                "header names are letters, digits and !#$%&'*+.^_`|~-",
              )
              .default({})
              .describe("Sent with every export, e.g. an API key from `${ENV}`. Never logged."),
            timeoutMs: z.number().int().positive().max(60_000).default(10_000).describe("The longest (ms) one export may take."),
          })
          .optional()
          .describe("Where spans go, over OTLP/HTTP (JSON). Default: none, and no spans are made at all."),
        serviceName: z.string().min(1).max(128).default("license-gateway").describe("`service.name` of every span."),
        sampleRatio: z
          .number()
          .min(0)
          .max(1)
          .default(1)
          .describe("Share of operations traced when the client sent no sampling decision (a `traceparent` header's is followed)."),
      })
      .prefault({})
      .describe("OpenTelemetry traces: one span per operation and one per vendor request."),
  })
  .prefault({})
  .describe("Metrics and traces.");

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default("0.0.0.0").describe("The address to listen on; the `HOST` environment variable overrides it."),
      port: z
        .number()
        .int()
        .min(0)
        .max(65535)
        .default(4000)
        .describe("The port to listen on; the `PORT` environment variable overrides it."),
      mode: z
        .enum(["production", "development"])
        .default("production")
        .describe("`production` hides field suggestions and turns introspection off unless `introspection` says otherwise."),
      introspection: z.boolean().optional().describe("Default: on in development, off in production."),
      batching: z
        .boolean()
        .default(true)
        .describe(
          "Per-request batching and deduplication (DataLoader). Only for measuring what it saves (`npm run bench`): off, " +
            "every field asks its source on its own.",
        ),
      operationDeadlineMs: z
        .number()
        .int()
        .positive()
        .max(300_000)
        .default(15_000)
        .describe("The longest (ms) a GraphQL operation may take, all its upstream calls included."),
      admission: z
        .strictObject({
          maxOperations: z
            .number()
            .int()
            .positive()
            .default(256)
            .describe(
              "The most GraphQL operations executing at once; more wait their turn in arrival order, and answers from the response " +
                "cache never wait. The adaptive limit (`adaptive`) moves below it while the CPU is saturated; without it, this is " +
                "the limit, a safety valve against a flood above what the sources' own limits keep busy.",
            ),
          maxQueued: z
            .number()
            .int()
            .nonnegative()
            .default(1_000)
            .describe("Operations waiting for their turn; one more is refused at once with SERVER_BUSY (HTTP 503, Retry-After)."),
          maxWaitMs: z
            .number()
            .int()
            .positive()
            .max(300_000)
            .default(10_000)
            .describe(
              "The longest (ms) an operation waits for its turn before it is refused with SERVER_BUSY; the wait counts against `operationDeadlineMs`.",
            ),
          adaptive: z
            .strictObject({
              enabled: z
                .boolean()
                .default(true)
                .describe(
                  "Move the limit with the gateway's CPU: while its event loop is busy `targetUtilization` of the time, admit fewer " +
                    "(down to `minOperations`); while it has room and operations wait, admit more again (up to `maxOperations`).",
                ),
              minOperations: z
                .number()
                .int()
                .positive()
                .default(4)
                .describe("The fewest operations the adaptive limit lets execute at once, however busy the event loop."),
              targetUtilization: z
                .number()
                .min(0.5)
                .max(1)
                .default(0.95)
                .describe("The event loop's busy share (0.5-1) at which the gateway counts as saturated and admits fewer."),
              intervalMs: z
                .number()
                .int()
                .min(10)
                .max(10_000)
                .default(100)
                .describe("How often (ms) the event loop's utilization is read and the limit moved."),
            })
            .prefault({})
            .describe(
              "The adaptive limit (src/server/saturation-limit.ts): an operation admitted while the CPU is saturated adds no throughput, " +
                "only memory in flight and waiting for all.",
            ),
        })
        .prefault({})
        .describe("Admission control: how many operations run at once and how many may wait (issue 14)."),
      shutdownGraceMs: z
        .number()
        .int()
        .min(0)
        .max(300_000)
        .default(10_000)
        .describe(
          "On SIGTERM/SIGINT, how long (ms) requests in flight may take to finish once the listener is closed; connections " +
            "still open after it are cut. Keep it below the orchestrator's kill timeout (Docker and Kubernetes: 10 s by " +
            "default, hence compose's `stop_grace_period`).",
        ),
      shutdownDelayMs: z
        .number()
        .int()
        .min(0)
        .max(60_000)
        .default(0)
        .describe(
          "On SIGTERM/SIGINT, how long (ms) /readyz answers 503 while new connections are still accepted, before the listener " +
            "closes: time for a load balancer's health check to take the replica out.",
        ),
      logLevel: z
        .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        .default("info")
        .describe("Lowest level written to the JSON log on stdout."),
      limits: z
        .strictObject({
          maxDepth: z.number().int().positive().default(12).describe("Fields on the longest path from the operation, fragments flattened."),
          maxAliases: z.number().int().nonnegative().default(30).describe("Aliases in the operation, counted at every fragment spread."),
          maxTokens: z.number().int().positive().default(5_000).describe("Lexical tokens in the document, checked before it is parsed."),
          maxCost: z
            .number()
            .int()
            .positive()
            .default(20_000)
            .describe(
              "Estimated cost: a field with a selection 2, a leaf 1, each level down 1.2 times the one above, times a literal `first`/`last`.",
            ),
          maxDirectives: z
            .number()
            .int()
            .nonnegative()
            .default(20)
            .describe("Directives in the operation, counted at every fragment spread."),
          maxBatch: z
            .number()
            .int()
            .positive()
            .max(100)
            .default(1)
            .describe("Operations in one batched HTTP request; 1 turns batching off."),
          maxBodyBytes: z
            .number()
            .int()
            .positive()
            .default(1024 * 1024)
            .describe("Request body size; a larger one is answered 413 as soon as that is known."),
          maxVariableDepth: z.number().int().positive().default(10).describe("Nesting inside `variables` (the schema needs 3)."),
          maxVariableValues: z.number().int().positive().default(5_000).describe("Values inside `variables`."),
          maxResolvedFields: z
            .number()
            .int()
            .positive()
            .default(20_000)
            .describe("Fields resolved while running one operation (lists within lists); the largest real query resolves about 2,000."),
        })
        .prefault({})
        .describe("Limits against abusive operations; a refusal is OPERATION_LIMIT_EXCEEDED naming the key."),
      rateLimit: rateLimitSchema
        .optional()
        .describe(
          "Requests per client (API key, JWT subject): a bucket of `burst` requests refilled at `requestsPerMinute`, shared " +
            "by the replicas through `cache.url`. Default: no limit.",
        ),
      // src/server/conditional-get.ts adds the ETag and Vary that go with it.
      getCacheControl: z
        .string()
        .regex(
          /^[a-z-]+(=\d+)?(, ?[a-z-]+(=\d+)?)*$/,
          "a Cache-Control value: directives like private, public, no-cache, max-age=N, s-maxage=N",
        )
        .default("private, no-cache")
        .describe(
          "`Cache-Control` of successful GET answers, which also carry an ETag and `Vary: Accept, Authorization`. The default: " +
            "browsers keep an answer and revalidate it each time; shared caches keep none. `public, no-cache` lets a CDN keep " +
            "one per credential and revalidate it; `public, s-maxage=30` lets it serve one up to 30 s old, stale by up to " +
            "that after a mutation.",
        ),
      cors: corsSchema,
      persistedQueries: z
        .strictObject({
          enabled: z.boolean().default(true).describe("Off: a hash alone is answered PERSISTED_QUERY_NOT_SUPPORTED."),
          ttlSeconds: z
            .number()
            .int()
            .positive()
            .max(30 * 86_400)
            .default(86_400)
            .describe("How long (s) a registered document is kept."),
          maxEntries: z
            .number()
            .int()
            .positive()
            .max(1_000_000)
            .default(10_000)
            .describe("Documents kept in memory without Redis (least recently used go first)."),
        })
        .prefault({})
        .describe("Automatic persisted queries (src/server/persisted-queries.ts): in Redis through `cache.url`, else in memory."),
    })
    .prefault({})
    .describe("The HTTP server, its limits and its protocol options."),
  auth: authSchema.optional(),
  store: z
    .strictObject({
      // `pglite://` is refused with the way to copy its data (src/store/store-url.ts).
      url: z
        .string()
        .superRefine((url, ctx) => {
          const problem = storeUrlProblem(url);
          if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
        })
        .default(DEFAULT_STORE_URL)
        .describe(
          "`sqlite://<file>` (embedded SQLite, for one gateway process), `memory://` (SQLite in memory, nothing kept), or " +
            "`postgres://user@host:5432/db[?pool_max=10]` (PostgreSQL, for several replicas). `pglite://` (earlier releases) " +
            "is refused with the command that copies its data.",
        ),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, "lowercase letters, digits and _, starting with a letter or _")
        .optional()
        .describe(
          "A schema to keep every table in, created if missing: several gateways (or test runs) can share one PostgreSQL " +
            "database. Default: none (PostgreSQL's search_path, usually `public`). PostgreSQL only.",
        ),
    })
    .refine((store) => store.schema === undefined || /^postgres(ql)?:\/\//.test(store.url), {
      path: ["schema"],
      message: "only a PostgreSQL store has schemas: remove store.schema, or use a postgres:// URL",
    })
    .default({ url: DEFAULT_STORE_URL })
    .describe("The gateway's own store: customers, controllers, local licenses, claims, API keys, audit log, idempotency keys."),
  sources: sources
    .default({})
    .describe(
      "The vendors, by source id: `Source.id` and the prefix of every `License.id`, so 1-32 lowercase letters, digits, " +
        "`-` or `_`, starting with a letter (`local` and `sha256` are reserved). Each has a `kind`; the options every kind " +
        "shares are at the end.",
    ),
  cache: cacheSchema,
  telemetry: telemetrySchema,
  sync: syncSchema,
  subscriptions: subscriptionsSchema,
  webhooks: webhooksSchema,
});

export type GatewayConfig = z.infer<typeof configSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
export type CorsConfig = z.infer<typeof corsSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type TelemetryConfig = z.infer<typeof telemetrySchema>;
export type { SyncConfig } from "./sync.js";
export type { WebhooksConfig } from "./webhooks.js";
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
/** A source as written in a config file, before defaults. */
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;
