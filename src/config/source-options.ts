import { z } from "zod";

// What every upstream source's config accepts, apart from its own fields. A leaf module (it imports only zod), so
// that a vendor's folder can build its config schema from it while src/config/schema.ts assembles the vendors'
// schemas from src/sources/registry.ts: neither needs the other.

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

/** Options every upstream source accepts. Defaults are the documented ones; say so when you change them. */
export const upstreamOptions = {
  /** Total time for one upstream call, connect included. Default 10 s (Eniris' own clients use 30-60 s; a gateway answering people should give up sooner). */
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Keep-alive connections per vendor host. Default: see DEFAULT_UPSTREAM. */
  connections: z.number().int().positive().max(1024).default(DEFAULT_UPSTREAM.connections),
  /** Largest vendor response body accepted, in bytes. Default 5 MiB; anything larger is UPSTREAM_BAD_RESPONSE. */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
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

/** A vendor's base URL: http or https. */
export const httpUrl = z.url({ protocol: /^https?$/ });

export type ResilienceConfig = z.infer<typeof resilienceSchema>;
export type SourceCacheConfig = z.infer<typeof sourceCacheSchema>;
/** The options of `upstreamOptions`, defaults applied: what the HTTP client and guard of a vendor source read. */
export type UpstreamConfig = z.infer<z.ZodObject<typeof upstreamOptions>>;
