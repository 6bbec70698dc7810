import { z } from "zod";
import { DEFAULT_STORE_URL, storeUrlProblem } from "../store/store-url.js";
import { originPatternProblem } from "./origin-patterns.js";

/**
 * A source's keep-alive connections and calls in flight, unless its config says otherwise: 128, so one operation
 * never waits in line behind itself (`nodes` and every page take at most 100 items, so one operation makes at most
 * about 100 calls to one vendor at once). Measured (`npm run bench -- --scenarios sofar20 --upstream N:N`, 20
 * clients each asking for 20 customers' licenses at one Eniris brand, 20 ms per call): 16 gave 29 req/s, 32 56,
 * 64 104, 128 137, 256 127; past 128 the gateway's CPU, not the queue, is the bound. Sockets open only when needed.
 */
export const DEFAULT_UPSTREAM = { connections: 128, maxConcurrent: 128 } as const;

/** Retries, circuit breaking and concurrency for one source. Every field has a documented default. */
export const resilienceSchema = z
  .strictObject({
      /** Retries of an idempotent read after a transient failure (timeout, reset, 5xx, 429). Writes are never retried. Default 2. */
      retries: z.number().int().min(0).max(10).default(2),
      /** First backoff; doubles each retry, with full jitter. Default 100 ms. */
      retryBaseMs: z.number().int().positive().default(100),
      /** Longest single backoff, and the cap on a vendor's Retry-After that is honoured. Default 2 s. */
      retryMaxMs: z.number().int().positive().default(2_000),
      /** Retries may add at most this fraction of the source's recent calls (a budget, so an outage is not multiplied). Default 0.2. */
      retryBudgetRatio: z.number().min(0).max(1).default(0.2),
      /**
       * ...or this many retries a second, whichever allows more, so a quiet source still retries its odd transient
       * fault (Finagle's floor, `minRetriesPerSec`). Default 10.
       */
      retryBudgetMinPerSecond: z.number().int().min(0).max(1000).default(10),
      /** Upstream calls in flight to this source at once; more wait in line. Default 128 (DEFAULT_UPSTREAM). */
      maxConcurrent: z.number().int().positive().max(1024).default(DEFAULT_UPSTREAM.maxConcurrent),
      circuit: z
        .strictObject({
          /** Open the circuit when this percentage of calls in the window fail. Default 50. */
          errorThresholdPercentage: z.number().min(1).max(100).default(50),
          /** ...and at least this many calls were made in the window. Default 10. */
          volumeThreshold: z.number().int().min(1).default(10),
          /** How long an open circuit fails fast before one probe call is let through. Default 10 s. */
          resetTimeoutMs: z.number().int().positive().default(10_000),
          /** The window failures are counted over. Default 10 s. */
          rollingWindowMs: z.number().int().positive().default(10_000),
        })
        .prefault({}),
    })
  .prefault({});

/** Cross-request caching of one source's reads. */
export const sourceCacheSchema = z
  .strictObject({
    /** An answer is fresh this long; 0 turns caching off for the source. Default 30 s. */
    ttlMs: z.number().int().min(0).max(86_400_000).default(30_000),
    /**
     * After that, it is still served this long while one background call refreshes it (stale-while-revalidate).
     * 0 means a stale answer is never served. Default 30 s.
     */
    staleMs: z.number().int().min(0).max(86_400_000).default(30_000),
  })
  .prefault({});

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
        maxBytes: z.number().int().positive().default(64 * 1024 * 1024).describe("Memory for cached response bodies, in bytes (64 MiB)."),
      })
      .prefault({})
      .describe("Whole query responses, reused for the same principal, document and variables until something they read changes."),
  })
  .prefault({})
  .describe("The gateway's cross-request caches: vendor answers and whole responses, in memory, shared through Redis with `url`.");

/** Options every upstream source accepts. Defaults are the documented ones; say so when you change them. */
const upstreamOptions = {
  /** Total time for one upstream call, connect included. Default 10 s (Eniris' own clients use 30-60 s; a gateway answering people should give up sooner). */
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Keep-alive connections per vendor host. Default: see DEFAULT_UPSTREAM. */
  connections: z.number().int().positive().max(1024).default(DEFAULT_UPSTREAM.connections),
  /** Largest vendor response body accepted, in bytes. Default 5 MiB; anything larger is UPSTREAM_BAD_RESPONSE. */
  maxResponseBytes: z.number().int().positive().default(5 * 1024 * 1024),
  /** Retries, circuit breaking and concurrency for this source; see `resilienceSchema` for the defaults. */
  resilience: resilienceSchema.optional(),
  /**
   * HTTP/1.1 requests sent on one connection before the answer to the first arrives. Default 1 (no pipelining):
   * none of the vendors documents support for it, and a pipelined write that fails cannot be told apart from one
   * never sent. Only idempotent reads are ever pipelined (undici's rule).
   */
  pipelining: z.number().int().min(1).max(16).optional(),
  /** How long this source's answers are reused across requests (see the top-level `cache`). */
  cache: sourceCacheSchema.optional(),
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
    } else if (id === "sha256") {
      // A License id is "<source>:<id>", a TrustedDocument id "sha256:<hex>": the two forms must never meet.
      ctx.addIssue({ code: "custom", path: [id], message: "'sha256' is reserved: trusted documents' ids begin with it" });
    }
  }
});

/** Who may call the gateway (issue 4). `mode: off` is for the demo and tests only; the gateway says so at start. */
const authSchema = z
  .strictObject({
    mode: z.enum(["on", "off"]).default("on").describe("`off` lets every request in as an admin: for the demo and tests only (a warning says so at start)."),
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
          .describe('A file holding `{"keys": [public JWKs]}` (RS256/ES256), instead of hs256Secret; issuer and audience are then required.'),
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
  burst: z.number().int().positive().max(1_000_000).optional().describe("Requests an idle client may send at once. Default: requestsPerMinute (a minute's worth)."),
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
          .describe('Distinct operation names counted under their own label; later names count as "other", so clients cannot grow the metrics without bound.'),
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
              .refine((headers) => Object.keys(headers).every((name) => HEADER_NAME.test(name)), "header names are letters, digits and !#$%&'*+.^_`|~-")
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
      port: z.number().int().min(0).max(65535).default(4000).describe("The port to listen on; the `PORT` environment variable overrides it."),
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
      /**
       * What executes an operation: `graphql-js` (the reference) or `graphql-jit`, which compiles each document once
       * into a function (src/graphql/jit-executor.ts; same answers, checked by test/graphql/executor.test.ts).
       * Measured with `npm run bench` (the `cache off, jit` gateway). Default graphql-js.
       */
      executor: z.enum(["graphql-js", "graphql-jit"]).default("graphql-js"),
      operationDeadlineMs: z
        .number()
        .int()
        .positive()
        .max(300_000)
        .default(15_000)
        .describe("The longest (ms) a GraphQL operation may take, all its upstream calls included."),
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
            .describe("Estimated cost: a field with a selection 2, a leaf 1, each level down 1.2 times the one above, times a literal `first`/`last`."),
          maxDirectives: z.number().int().nonnegative().default(20).describe("Directives in the operation, counted at every fragment spread."),
          maxBatch: z.number().int().positive().max(100).default(1).describe("Operations in one batched HTTP request; 1 turns batching off."),
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
        .regex(/^[a-z-]+(=\d+)?(, ?[a-z-]+(=\d+)?)*$/, "a Cache-Control value: directives like private, public, no-cache, max-age=N, s-maxage=N")
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
          ttlSeconds: z.number().int().positive().max(30 * 86_400).default(86_400).describe("How long (s) a registered document is kept."),
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
});

export type GatewayConfig = z.infer<typeof configSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
export type CorsConfig = z.infer<typeof corsSchema>;
export type CacheConfig = z.infer<typeof cacheSchema>;
export type TelemetryConfig = z.infer<typeof telemetrySchema>;
export type SourceCacheConfig = z.infer<typeof sourceCacheSchema>;
export type ResilienceConfig = z.infer<typeof resilienceSchema>;
export type SourceConfig = z.infer<typeof sourceConfigSchema>;
/** A source as written in a config file, before defaults. */
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;
export type EnirisSourceConfig = Extract<SourceConfig, { kind: "eniris" }>;
export type CryptolensSourceConfig = Extract<SourceConfig, { kind: "cryptolens" }>;
export type CustomerareaSourceConfig = Extract<SourceConfig, { kind: "customerarea" }>;
export type EsmartSourceConfig = Extract<SourceConfig, { kind: "esmart" }>;
