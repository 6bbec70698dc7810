import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { parseApiKey } from "../../src/auth/api-keys.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { createLogger } from "../../src/logger.js";
import { bucketShape } from "../../src/server/rate-limit/bucket.js";
import { RedisBuckets } from "../../src/server/rate-limit/redis-counters.js";
import { AUTH_ON } from "../auth/roles.js";
import { REDIS_URL, redisMissing, useRedisPrefix } from "../redis/support.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * Rate limits with the counters in Redis (`cache.url`), shared by replicas. Needs REDIS_URL (`.ci/run` sets it);
 * every describe uses a key prefix of its own, deleted afterwards. The wrong-port test needs no Redis at all.
 */
const skipped = redisMissing ? ` (skipped: ${redisMissing})` : "";

/** Every key under `prefix`, full names. */
async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    found.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

/**
 * A key prefix of the describe's own and a connection under it. Call it before useTestGateway: after-hooks run
 * in reverse order, so the keys are deleted once the gateways have closed.
 */
function useRedis(): { prefix: string; redis: () => Redis } {
  const { prefix, connect } = useRedisPrefix();
  let redis: Redis | undefined;
  beforeAll(async () => {
    redis = await connect();
  });
  return { prefix, redis: () => redis! };
}

/** Log lines, parsed, from a logger built like the gateway's. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(redisMissing)(`two gateways sharing one Redis${skipped}`, () => {
  const { prefix, redis } = useRedis();
  // Two replicas of one gateway: same Redis, same prefix, one principal (auth off: everyone is `auth-off`).
  // One request a minute: nothing comes back while the test runs, so the count is exact however slow the machine.
  const replica = () =>
    useTestGateway({ serverOverrides: { rateLimit: { requestsPerMinute: 1, burst: 10 } }, cache: { url: REDIS_URL!, keyPrefix: prefix } });
  const [a, b] = [replica(), replica()];

  it("admit exactly `burst` requests between them, however the requests are spread and raced", async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).gql(`{ __typename }`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    for (const refused of responses.filter((r) => r.status === 429)) {
      expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(["RATE_LIMITED"]);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    }
    // Both replicas refuse from now on: the state is in Redis, not in either process.
    expect((await a.gql(`{ __typename }`)).status).toBe(429);
    expect((await b.gql(`{ __typename }`)).status).toBe(429);
  });

  it("keep one key per principal, which expires when its bucket would be full again", async () => {
    expect(await keysUnder(redis(), prefix)).toContain(`${prefix}rate:auth-off`);
    const ttl = await redis().pttl("rate:auth-off");
    // Ten allowances of a minute each were taken: the bucket is full again within ten minutes.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    expect(await redis().get("rate:auth-off")).toMatch(/^\d{16}$/); // a time in microseconds, in full (no exponent)
  });
});

/**
 * A TCP relay between the gateway and Redis, so the test can take Redis away from one gateway (a closed port:
 * connection refused) and give it back on the same port, without touching the Redis everyone else uses.
 */
class RedisRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  /** The Redis URL through the relay. */
  get url(): string {
    const through = new URL(this.target);
    through.hostname = "127.0.0.1";
    through.port = String(this.port);
    return through.toString();
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 6379), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the port and every connection through it. */
  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.server = undefined;
  }
}

describe.skipIf(redisMissing)(`when Redis fails${skipped}`, () => {
  const { prefix, redis } = useRedis();
  const relay = new RedisRelay(new URL(REDIS_URL ?? "redis://127.0.0.1:6379"));
  // Read by useTestGateway in its beforeAll, which runs after this one: by then the relay has its port.
  const cache = { url: "redis://relay-not-started", keyPrefix: prefix };
  beforeAll(async () => {
    await relay.start();
    cache.url = relay.url;
  });
  // Registered before the gateway: after-hooks run in reverse, so the relay outlives the gateway's connection.
  afterAll(() => relay.stop());
  const t = useTestGateway({ auth: AUTH_ON, serverOverrides: { rateLimit: { requestsPerMinute: 1, burst: 2 } }, cache });

  let client: { id: string; token: string; headers: Record<string, string> };
  beforeAll(async () => {
    const admin = new ApiKeyAdmin(new AuditedWriter(t.gateway.store, "rate-limit-test"), { requireAdmin: () => {} });
    const created = await admin.createApiKey({ name: "rate limited over Redis", role: "admin" });
    client = { id: created.apiKey!.id, token: created.secret!, headers: { authorization: `Bearer ${created.secret!}` } };
  });

  it("counts under the principal's id in Redis, never its credential", async () => {
    expect((await t.gql(`{ __typename }`, {}, client.headers)).status).toBe(200);
    expect((await t.gql(`{ __typename }`, {}, client.headers)).status).toBe(200);
    expect((await t.gql(`{ __typename }`, {}, client.headers)).status).toBe(429);
    const keys = await keysUnder(redis(), prefix);
    expect(keys).toContain(`${prefix}rate:apikey:${client.id}`);
    // The secret itself, parsed as the gateway parses it: it is base64url, so it may hold "_" too (splitting on "_"
    // found one character of it once in a while, which some key contains by chance).
    const secret = parseApiKey(client.token)!.secret;
    for (const key of keys) expect(key).not.toContain(secret);
  });

  it("serves every request while Redis is unreachable, and limits again once it is back", async () => {
    await relay.stop();
    // The client has used its allowance (the test above); unreachable counters must not turn that into an outage.
    for (let i = 0; i < 5; i++) {
      const served = await t.gql(`{ __typename }`, {}, client.headers);
      expect(served.status).toBe(200);
      expect(served.body).toEqual({ data: { __typename: "Query" } });
    }
    await relay.start(); // the same port: the gateway's connection heals by itself
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await t.gql(`{ __typename }`, {}, client.headers)).status;
    }
    // The bucket in Redis was never reset: the requests admitted unchecked did not count, the earlier ones still do.
    expect(status).toBe(429);
  });
});

describe.skipIf(redisMissing)(`the bucket (GCRA) as a Redis script${skipped}`, () => {
  // The gateway's own kind of connection (openRedis), under a prefix of this describe's own.
  const { redis } = useRedis();

  it("admits `burst` at once, then says how long until the next, on Redis's clock", async () => {
    // 60 a minute, 2 at once: an allowance comes back every second.
    const buckets = new RedisBuckets(redis(), bucketShape(60, 2), capturingLogger().logger);
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect(await buckets.take("p")).toEqual({ allowed: true });
    const refused = await buckets.take("p");
    expect(refused.allowed).toBe(false);
    const waitMs = refused.allowed ? 0 : refused.waitMs;
    expect(waitMs).toBeGreaterThan(0);
    expect(waitMs).toBeLessThanOrEqual(1_000);
    await new Promise((resolve) => setTimeout(resolve, waitMs + 5));
    expect(await buckets.take("p")).toEqual({ allowed: true });
    expect((await buckets.take("p")).allowed).toBe(false);
    expect(await buckets.take("q")).toEqual({ allowed: true });
  });

  it("admits when the script fails, and warns at most once a minute", async () => {
    // A key of the wrong type makes Redis itself refuse the script (WRONGTYPE): a real error from a real server.
    await redis().hset("rate:broken", "field", "value");
    let now = 0;
    const { lines, logger } = capturingLogger();
    const buckets = new RedisBuckets(redis(), bucketShape(1, 1), logger, () => now);
    for (let i = 0; i < 5; i++) expect(await buckets.take("broken")).toEqual({ allowed: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, uncheckedRequests: 1, reason: expect.stringMatching(/WRONGTYPE/) });
    now += 59_999;
    await buckets.take("broken");
    expect(lines).toHaveLength(1);
    now += 1;
    await buckets.take("broken");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ uncheckedRequests: 6 });
  });
});

describe("when Redis is on a wrong port", () => {
  it("admits every request at once, without waiting for a timeout, and warns once", async () => {
    const redis = new Redis({ host: "127.0.0.1", port: await freePort(), retryStrategy: () => 100, maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    try {
      const { lines, logger } = capturingLogger();
      const buckets = new RedisBuckets(redis, bucketShape(1, 1), logger);
      const started = performance.now();
      for (let i = 0; i < 20; i++) expect(await buckets.take("someone")).toEqual({ allowed: true });
      expect(performance.now() - started).toBeLessThan(500);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 40, reason: expect.stringMatching(/Redis connection is (connecting|reconnecting)/) });
    } finally {
      redis.disconnect();
    }
  });
});
