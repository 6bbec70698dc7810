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
    /** Off: every operation asks the vendors again (per-request batching still applies). Default on. */
    enabled: z.boolean().default(true),
    /**
     * `redis://[user:password@]host:port[/db]` or `rediss://...`: what replicas must share lives there (cached
     * answers and their invalidations, vendor access tokens, rate-limit counters), so several gateway processes
     * behave as one. Default: none, everything in this process.
     */
    url: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
    /** Prefix of every Redis key, so gateways (or tests) can share one Redis. Default "license-gateway:". */
    keyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, "1-64 letters, digits or : _ . -").default("license-gateway:"),
    /** Most source answers kept in memory (least recently used go first). Default 20,000. */
    maxEntries: z.number().int().positive().default(20_000),
    /** Whole query responses, reused for the same principal, document and variables until something they read changes. */
    responses: z
      .strictObject({
        enabled: z.boolean().default(true),
        /**
         * The longest a response is reused; one that read a vendor is reused no longer than that source's ttlMs.
         * Changes made through the gateway invalidate it at once. Default 30 s.
         */
        ttlMs: z.number().int().min(0).max(86_400_000).default(30_000),
        /** Memory for cached response bodies. Default 64 MiB. */
        maxBytes: z.number().int().positive().default(64 * 1024 * 1024),
      })
      .prefault({}),
  })
  .prefault({});

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
const authSchema = z.strictObject({
  mode: z.enum(["on", "off"]).default("on"),
  /** JWT bearer tokens: an HS256 secret, or a JWKS file (RS256/ES256 public keys). */
  jwt: z
    .strictObject({
      hs256Secret: z.string().min(32, "an HS256 secret needs at least 32 characters").optional(),
      jwksFile: z.string().min(1).optional(),
      issuer: z.string().min(1).optional(),
      audience: z.string().min(1).optional(),
    })
    .optional(),
});

/**
 * Requests each principal may make (src/server/rate-limit.ts): a bucket of `burst` requests, refilled at
 * `requestsPerMinute`. Counted in Redis when `cache.url` is set, so the limit holds across replicas; otherwise per
 * process.
 */
const rateLimitSchema = z.strictObject({
  /** The sustained rate: one request's allowance comes back every 60 / requestsPerMinute seconds. Required. */
  requestsPerMinute: z.number().int().positive().max(1_000_000),
  /** Requests an idle client may send at once. Default: requestsPerMinute (a minute's worth). */
  burst: z.number().int().positive().max(1_000_000).optional(),
});

/**
 * Web pages on other origins (single-page apps) allowed to call /graphql from a browser (src/server/cors.ts).
 * Default: none, so no answer carries an Access-Control-* header and every preflight is refused.
 */
const corsSchema = z
  .strictObject({
    /**
     * Exact origins as browsers send them (`https://app.example.com`), or `scheme://host:*` for any port on that
     * host (local development servers); no other wildcard (src/config/origin-patterns.ts says why). Default none.
     */
    origins: z
      .array(
        z.string().superRefine((origin, ctx) => {
          const problem = originPatternProblem(origin);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
        }),
      )
      .max(100)
      .default([]),
    /** How long a browser may reuse a preflight's answer. Default 7,200 s (2 h, Chromium's cap; Firefox allows 24 h). */
    maxAgeSeconds: z.number().int().min(0).max(86_400).default(7_200),
  })
  .prefault({});

/** Paths the HTTP server answers itself; the metrics endpoint may not take one of them. */
const RESERVED_PATHS = new Set(["/", "/graphql", "/healthz", "/readyz"]);
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** Metrics and traces (src/observability/). Every field has a documented default; traces are off without `otlp`. */
const telemetrySchema = z
  .strictObject({
    metrics: z
      .strictObject({
        /** Serve Prometheus metrics at `path`. Default on. */
        enabled: z.boolean().default(true),
        /** Default "/metrics". Not behind GraphQL authentication: see `bearerToken`. */
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9/_.-]{0,127}$/, "a path such as /metrics: letters, digits, / _ . -")
          .refine((path) => !RESERVED_PATHS.has(path), "is already taken by the gateway (/, /graphql, /healthz, /readyz)")
          .default("/metrics"),
        /**
         * When set, a scrape must send `Authorization: Bearer <bearerToken>` (compared in constant time). Default:
         * none, so keep the path off the public network. At least 16 characters; use a `${ENV}` reference.
         */
        bearerToken: z.string().min(16, "at least 16 characters").optional(),
        /**
         * Distinct operation names counted under their own label; later names count as "other", so clients cannot
         * grow the metrics without bound. Default 100.
         */
        maxOperationNames: z.number().int().min(0).max(10_000).default(100),
      })
      .prefault({}),
    tracing: z
      .strictObject({
        /** Where spans go, over OTLP/HTTP (JSON). Default: none, and no spans are made at all. */
        otlp: z
          .strictObject({
            /** The collector's traces endpoint, e.g. http://otel-collector:4318/v1/traces. */
            url: z.url({ protocol: /^https?$/ }).refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), "must not carry credentials; use headers"),
            /** Sent with every export, e.g. an API key from `${ENV}`. Never logged. Default none. */
            headers: z
              .record(z.string(), z.string().regex(/^[^\r\n]*$/, "a header value cannot contain a line break"))
              .refine((headers) => Object.keys(headers).every((name) => HEADER_NAME.test(name)), "header names are letters, digits and !#$%&'*+.^_`|~-")
              .default({}),
            /** The longest one export may take. Default 10 s. */
            timeoutMs: z.number().int().positive().max(60_000).default(10_000),
          })
          .optional(),
        /** `service.name` of every span. Default "license-gateway". */
        serviceName: z.string().min(1).max(128).default("license-gateway"),
        /**
         * Share of operations traced when the client sent no sampling decision (a `traceparent` header's is
         * followed). Default 1: all.
         */
        sampleRatio: z.number().min(0).max(1).default(1),
      })
      .prefault({}),
  })
  .prefault({});

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default("0.0.0.0"),
      port: z.number().int().min(0).max(65535).default(4000),
      /** production hides field suggestions and turns introspection off unless `introspection` says otherwise. Default production. */
      mode: z.enum(["production", "development"]).default("production"),
      /** Default: on in development, off in production. */
      introspection: z.boolean().optional(),
      /**
       * Per-request batching and deduplication (DataLoader). Only for measuring what it saves (`npm run bench`):
       * off, every field asks its source on its own. Default on.
       */
      batching: z.boolean().default(true),
      /**
       * What executes an operation: `graphql-js` (the reference) or `graphql-jit`, which compiles each document once
       * into a function (src/graphql/jit-executor.ts; same answers, checked by test/graphql/executor.test.ts).
       * Measured with `npm run bench` (the `cache off, jit` gateway). Default graphql-js.
       */
      executor: z.enum(["graphql-js", "graphql-jit"]).default("graphql-js"),
      /** The longest a GraphQL operation may take, all its upstream calls included. Default 15 s. */
      operationDeadlineMs: z.number().int().positive().max(300_000).default(15_000),
      /**
       * On SIGTERM/SIGINT, how long requests in flight may take to finish once the listener is closed; connections
       * still open after it are cut. Keep it below the orchestrator's kill timeout (Docker and Kubernetes: 10 s
       * by default, hence compose's `stop_grace_period`). Default 10 s.
       */
      shutdownGraceMs: z.number().int().min(0).max(300_000).default(10_000),
      /**
       * On SIGTERM/SIGINT, how long /readyz answers 503 while new connections are still accepted, before the
       * listener closes: time for a load balancer's health check to take the replica out. Default 0.
       */
      shutdownDelayMs: z.number().int().min(0).max(60_000).default(0),
      /** Lowest level written to the JSON log on stdout: fatal, error, warn, info, debug, trace or silent. Default info. */
      logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      /** Limits against abusive operations. */
      limits: z
        .strictObject({
          maxDepth: z.number().int().positive().default(12),
          maxAliases: z.number().int().nonnegative().default(30),
          maxTokens: z.number().int().positive().default(5_000),
          maxCost: z.number().int().positive().default(20_000),
          maxDirectives: z.number().int().nonnegative().default(20),
          /** Operations in one batched HTTP request; 1 turns batching off. Default 1. */
          maxBatch: z.number().int().positive().max(100).default(1),
          maxBodyBytes: z.number().int().positive().default(1024 * 1024),
          /** Nesting inside `variables` (the schema needs 3). Default 10. */
          maxVariableDepth: z.number().int().positive().default(10),
          /** Values inside `variables`. Default 5,000. */
          maxVariableValues: z.number().int().positive().default(5_000),
          /** Fields resolved while running one operation (lists within lists); the largest real query resolves about 2,000. Default 20,000. */
          maxResolvedFields: z.number().int().positive().default(20_000),
        })
        .prefault({}),
      /** Requests per client (API key, JWT subject), shared by the replicas through `cache.url`. Default: no limit. */
      rateLimit: rateLimitSchema.optional(),
      /**
       * `Cache-Control` of successful GET answers, which also carry an ETag and `Vary: Accept, Authorization`
       * (src/server/conditional-get.ts). Default `private, no-cache`: browsers keep an answer and revalidate it each
       * time; shared caches keep none. `public, no-cache` lets a CDN keep one per credential and revalidate it;
       * `public, s-maxage=30` lets it serve one up to 30 s old, stale by up to that after a mutation.
       */
      getCacheControl: z
        .string()
        .regex(/^[a-z-]+(=\d+)?(, ?[a-z-]+(=\d+)?)*$/, "a Cache-Control value: directives like private, public, no-cache, max-age=N, s-maxage=N")
        .default("private, no-cache"),
      /** Browsers on other origins allowed to call the API; see `corsSchema`. Default: none. */
      cors: corsSchema,
      /** Automatic persisted queries (src/server/persisted-queries.ts): in Redis through `cache.url`, else in memory. */
      persistedQueries: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** How long a registered document is kept. Default one day. */
          ttlSeconds: z.number().int().positive().max(30 * 86_400).default(86_400),
          /** Documents kept in memory without Redis (least recently used go first). Default 10,000. */
          maxEntries: z.number().int().positive().max(1_000_000).default(10_000),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Required in every config file; the demo alone runs without it. */
  auth: authSchema.optional(),
  store: z
    .strictObject({
      /**
       * `sqlite://<file>` (embedded SQLite; default `sqlite://./data/store.db`), `memory://` (SQLite in memory,
       * nothing kept), or `postgres://...`. `pglite://` is refused with the way to copy its data (src/store/store-url.ts).
       */
      url: z
        .string()
        .superRefine((url, ctx) => {
          const problem = storeUrlProblem(url);
          if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
        })
        .default(DEFAULT_STORE_URL),
      /**
       * A schema to keep every table in, created if missing: several gateways (or test runs) can share one
       * PostgreSQL database. Default: none (PostgreSQL's search_path, usually \`public\`). PostgreSQL only.
       */
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "lowercase letters, digits and _, starting with a letter or _").optional(),
    })
    .refine((store) => store.schema === undefined || /^postgres(ql)?:\/\//.test(store.url), {
      path: ["schema"],
      message: "only a PostgreSQL store has schemas: remove store.schema, or use a postgres:// URL",
    })
    .default({ url: DEFAULT_STORE_URL }),
  sources: sources.default({}),
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
