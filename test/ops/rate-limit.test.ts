import { describe, expect, it } from "vitest";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { AUTH_OFF_PRINCIPAL } from "../../src/auth/principal.js";
import { parseConfig } from "../../src/config/load.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { createRateLimiter, rateLimitedError } from "../../src/server/rate-limit.js";
import { bucketShape } from "../../src/server/rate-limit/bucket.js";
import { MemoryBuckets } from "../../src/server/rate-limit/memory-counters.js";
import { AUTH_ON, signJwt } from "../auth/roles.js";
import { useTestGateway, type GraphQLResponse } from "../support/gateway.js";
import { pino } from "pino";

/**
 * Rate limits with the counters in this process (no `cache.url`). rate-limit-redis.test.ts runs the shared
 * counters. A limit of 1 a minute means no request's allowance comes back while a test runs, so every count
 * below is exact however slow the machine.
 */
const CUSTOMER_QUERY = `{ customer(id: "demo-customer-1") { name licenses { key } } }`;

function expectRateLimited(response: GraphQLResponse, maxSeconds: number): number {
  expect(response.status).toBe(429);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors![0]!.extensions).toEqual({ code: "RATE_LIMITED" });
  const retryAfter = response.headers.get("retry-after");
  expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
  expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
  return Number(retryAfter);
}

describe("with authentication on: each API key and JWT subject has its own bucket", () => {
  const t = useTestGateway({
    auth: AUTH_ON,
    serverOverrides: { rateLimit: { requestsPerMinute: 1, burst: 3 } },
    // The counters of this process, even where REDIS_URL would put the test gateway's cache state in Redis.
    cache: { url: undefined },
  });

  let keyCount = 0;
  /** A fresh API key, so each test starts with a full bucket. */
  async function newClient(): Promise<{ id: string; headers: Record<string, string> }> {
    const admin = new ApiKeyAdmin(new AuditedWriter(t.gateway.store, "rate-limit-test"), { requireAdmin: () => {} });
    const created = await admin.createApiKey({ name: `rate limited ${++keyCount}`, role: "admin" });
    expect(created.errors).toEqual([]);
    return { id: created.apiKey!.id, headers: { authorization: `Bearer ${created.secret!}` } };
  }

  it("admits `burst` requests, then answers HTTP 429 with Retry-After and one RATE_LIMITED error", async () => {
    const client = await newClient();
    for (let i = 0; i < 3; i++) expect((await t.gql(`{ __typename }`, {}, client.headers)).status).toBe(200);
    const refused = await t.gql(`{ __typename }`, {}, client.headers);
    // One request a minute: the next is admitted a minute after the first, less the time the test took.
    expectRateLimited(refused, 60);
    expect(refused.headers.get("content-type")).toMatch(/^application\/json/);
    expect(refused.body.errors![0]!.message).toMatch(/at most 1 a minute, 3 at once; retry in \d+ s/);
  });

  it("refuses before any vendor call, parsing or operation limit", async () => {
    const client = await newClient();
    for (let i = 0; i < 3; i++) expect((await t.gql(`{ __typename }`, {}, client.headers)).status).toBe(200);
    t.resetCalls();
    expectRateLimited(await t.gql(CUSTOMER_QUERY, {}, client.headers), 60);
    expect(t.apiCalls()).toBe(0);
    // Not GRAPHQL_PARSE_FAILED or OPERATION_LIMIT_EXCEEDED: nothing of the request was looked at.
    expectRateLimited(await t.gql(`{ unclosed`, {}, client.headers), 60);
    expectRateLimited(await t.gql(`{ ${"a: __typename ".repeat(100)} }`, {}, client.headers), 60);
    const get = await fetch(`${t.gateway.url}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { ...client.headers, accept: "application/json" },
    });
    expect(get.status).toBe(429);
  });

  it("counts answers served from the response cache", async () => {
    const client = await newClient();
    const first = await t.gql(CUSTOMER_QUERY, {}, client.headers);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-status")).toMatch(/stored/);
    for (let i = 0; i < 2; i++) {
      const cached = await t.gql(CUSTOMER_QUERY, {}, client.headers);
      expect(cached.headers.get("cache-status")).toMatch(/; hit/);
    }
    expectRateLimited(await t.gql(CUSTOMER_QUERY, {}, client.headers), 60);
  });

  it("one client's refusals leave every other API key and JWT subject alone", async () => {
    const [a, b] = [await newClient(), await newClient()];
    const jwt = { authorization: `Bearer ${await signJwt({ sub: "rate-limit-partner", role: "partner", customers: [] })}` };
    for (let i = 0; i < 3; i++) expect((await t.gql(`{ __typename }`, {}, a.headers)).status).toBe(200);
    expectRateLimited(await t.gql(`{ __typename }`, {}, a.headers), 60);
    for (let i = 0; i < 3; i++) {
      expect((await t.gql(`{ __typename }`, {}, b.headers)).status).toBe(200);
      expect((await t.gql(`{ __typename }`, {}, jwt)).status).toBe(200);
    }
    expectRateLimited(await t.gql(`{ __typename }`, {}, b.headers), 60);
    expectRateLimited(await t.gql(`{ __typename }`, {}, jwt), 60);
  });

  it("requests refused by authentication are not counted, not even against the key whose id they name", async () => {
    const client = await newClient();
    // The key id is not secret (logs, the audit trail, Query.apiKeys show it); someone who knows it must not be
    // able to use up its owner's allowance with a wrong secret.
    const forged = { authorization: `Bearer lgw_${client.id}_${"A".repeat(43)}` };
    for (let i = 0; i < 6; i++) {
      const refused = await t.gql(`{ __typename }`, {}, forged);
      expect(refused.status).toBe(401);
      expect(refused.body.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    }
    for (let i = 0; i < 3; i++) expect((await t.gql(`{ __typename }`, {}, client.headers)).status).toBe(200);
    expectRateLimited(await t.gql(`{ __typename }`, {}, client.headers), 60);
  });
});

describe("with authentication off: one bucket for everyone", () => {
  // 120 a minute: one request's allowance comes back every half second, so a refused client is admitted again soon.
  const t = useTestGateway({ serverOverrides: { rateLimit: { requestsPerMinute: 120, burst: 2 } }, cache: { url: undefined } });
  const base = () => t.gateway.url.replace(/\/graphql$/, "");

  /** Requests until one is refused (at most 20); that refusal. */
  async function exhaust(): Promise<GraphQLResponse> {
    for (let i = 0; i < 20; i++) {
      const response = await t.gql(`{ __typename }`);
      if (response.status !== 200) return response;
    }
    throw new Error("20 requests in a row were admitted with a limit of 2 at once");
  }

  it("/healthz, /readyz and /metrics are never limited", async () => {
    expectRateLimited(await exhaust(), 1);
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      const response = await fetch(`${base()}${path}`);
      expect(response.status, path).not.toBe(429);
      expect(response.status, path).toBeLessThan(500);
    }
  });

  it("a client that waits Retry-After seconds is admitted", async () => {
    const retryAfter = expectRateLimited(await exhaust(), 1);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1_000));
    expect((await t.gql(`{ __typename }`)).status).toBe(200);
  });
});

describe("the bucket (GCRA) in memory", () => {
  it("admits `burst` at once, then one per interval, and says exactly how long to wait", async () => {
    let now = 1_000;
    // 3 a minute: an allowance comes back every 20 s.
    const buckets = new MemoryBuckets(bucketShape(3, 2), () => now);
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect(await buckets.take("p")).toEqual({ allowed: false, waitMs: 20_000 });
    now += 19_999;
    expect(await buckets.take("p")).toEqual({ allowed: false, waitMs: 1 });
    now += 1;
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect(await buckets.take("p")).toEqual({ allowed: false, waitMs: 20_000 });
    // Refusals take nothing: a client hammering while refused is admitted as soon as it would have been anyway.
    for (let i = 0; i < 100; i++) await buckets.take("p");
    now += 20_000;
    expect(await buckets.take("p")).toEqual({ allowed: true });
    // Idle long enough, the bucket is full again, and never fuller than `burst`.
    now += 3_600_000;
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect((await buckets.take("p")).allowed).toBe(false);
    expect(await buckets.take("other")).toEqual({ allowed: true });
  });

  it("forgets principals whose bucket is full again, so memory follows recent clients", async () => {
    let now = 0;
    const buckets = new MemoryBuckets(bucketShape(60, 1), () => now);
    for (let i = 0; i < 5_000; i++) await buckets.take(`client-${i}`);
    now += 1_000; // every one of them is full again
    for (let i = 0; i < 4_000; i++) await buckets.take(`later-${i}`);
    const size = (buckets as unknown as { arrivals: Map<string, number> }).arrivals.size;
    expect(size).toBeLessThan(5_000);
    // ...without forgetting anyone still counted.
    expect((await buckets.take("later-0")).allowed).toBe(false);
    expect((await buckets.take("later-3999")).allowed).toBe(false);
  });

  it("without `burst`, a client may send a minute's worth at once", async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 5 }, { logger: pino({ level: "silent" }) })!;
    for (let i = 0; i < 5; i++) expect(await limiter.refusal(AUTH_OFF_PRINCIPAL)).toBeUndefined();
    expect((await limiter.refusal(AUTH_OFF_PRINCIPAL))?.extensions.code).toBe("RATE_LIMITED");
  });

  it("Retry-After is whole seconds, rounded up, at least 1", () => {
    const retryAfter = (waitMs: number) =>
      (rateLimitedError("slow down", waitMs).extensions.http as { headers: Map<string, string> }).headers.get("retry-after");
    expect(retryAfter(0.2)).toBe("1");
    expect(retryAfter(1_000)).toBe("1");
    expect(retryAfter(1_001)).toBe("2");
    expect(retryAfter(59_999.5)).toBe("60");
  });
});

describe("configuration", () => {
  it("is off unless configured", () => {
    expect(parseConfig({}, {}).server.rateLimit).toBeUndefined();
    expect(createRateLimiter(undefined, { logger: pino({ level: "silent" }) })).toBeUndefined();
    expect(parseConfig({ server: { rateLimit: { requestsPerMinute: 600 } } }, {}).server.rateLimit).toEqual({ requestsPerMinute: 600 });
  });

  it.each([
    [{ requestsPerMinute: 0 }, /server\.rateLimit\.requestsPerMinute/],
    [{ requestsPerMinute: 1.5 }, /server\.rateLimit\.requestsPerMinute/],
    [{ requestsPerMinute: "60" }, /server\.rateLimit\.requestsPerMinute/],
    [{ burst: 10 }, /server\.rateLimit\.requestsPerMinute/],
    [{ requestsPerMinute: 60, burst: 0 }, /server\.rateLimit\.burst/],
    [{ requestsPerMinute: 60, perSecond: 1 }, /server\.rateLimit.*perSecond|Unrecognized key.*perSecond/],
  ])("refuses %j, naming the key", (rateLimit, message) => {
    expect(() => parseConfig({ server: { rateLimit } }, {})).toThrow(message);
  });
});
