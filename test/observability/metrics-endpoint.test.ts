import { describe, expect, it } from "vitest";
import { AUTH_ON, signJwt } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";
import { metricsUrl, scrape } from "./scrape.js";

const TOKEN = "scrape-token-0123456789abcdef";
const PATH = "/internal/metrics";

// Authentication on, a token on the metrics, another path, room for two operation names.
const locked = useTestGateway({ auth: AUTH_ON, telemetry: { metrics: { path: PATH, bearerToken: TOKEN, maxOperationNames: 2 } } });
// A second gateway in the same process, with the defaults.
const open = useTestGateway();

const admin = async () => ({ authorization: `Bearer ${await signJwt({ sub: "metrics-suite", role: "admin" })}` });

describe("the metrics endpoint", () => {
  const url = () => metricsUrl(locked.gateway.url, PATH);

  it("wants the configured bearer token, whole", async () => {
    expect((await fetch(url())).status).toBe(401);
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const res = await fetch(url(), { headers: { authorization: `Bearer ${wrong}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const res = await fetch(url(), { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("# TYPE license_gateway_operations_total counter");
  });

  it("answers only GET and HEAD, only at the configured path", async () => {
    expect((await fetch(metricsUrl(locked.gateway.url))).status).toBe(404);
    const post = await fetch(url(), { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(url(), { method: "HEAD", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("is served without GraphQL authentication, which still guards /graphql", async () => {
    expect((await open.gql(`{ sources { id } }`)).status).toBe(200);
    expect((await locked.gql(`{ sources { id } }`)).status).toBe(401);
  });
});

describe("operation labels", () => {
  it("count a request refused for want of credentials as refused, without its name", async () => {
    const before = await scrape(locked.gateway.url, { path: PATH, token: TOKEN });
    const refusedBefore =
      before.value("license_gateway_operations_total", { operation: "unknown", type: "unknown", outcome: "refused" }) ?? 0;
    expect((await locked.gql(`query Secret { customers { edges { node { id } } } }`)).status).toBe(401);
    const after = await scrape(locked.gateway.url, { path: PATH, token: TOKEN });
    expect(after.value("license_gateway_operations_total", { operation: "unknown", type: "unknown", outcome: "refused" })).toBe(
      refusedBefore + 1,
    );
    expect(after.find("license_gateway_operations_total", { operation: "Secret" })).toEqual([]);
  });

  it("keep the first names up to the configured number, and too long a name is never one", async () => {
    const headers = await admin();
    for (const name of [`L${"o".repeat(64)}ng`, "NameOne", "NameTwo", "NameThree", "NameOne"]) {
      // `state` is live: never a cached answer, every one executes.
      expect((await locked.gql(`query ${name} { sources { id state } }`, {}, headers)).body.errors).toBeUndefined();
    }
    const scraped = await scrape(locked.gateway.url, { path: PATH, token: TOKEN });
    const counted = scraped
      .find("license_gateway_operations_total", { type: "query", outcome: "ok" })
      .map((s) => [s.labels.operation, s.value]);
    expect(Object.fromEntries(counted)).toEqual({ NameOne: 2, NameTwo: 1, other: 2 });
  });
});

describe("two gateways in one process", () => {
  it("each count only their own operations", async () => {
    expect((await open.gql(`query OnlyOnOpen { sources { id } }`)).body.errors).toBeUndefined();
    const openMetrics = await scrape(open.gateway.url);
    const lockedMetrics = await scrape(locked.gateway.url, { path: PATH, token: TOKEN });
    expect(openMetrics.value("license_gateway_operations_total", { operation: "OnlyOnOpen", type: "query", outcome: "ok" })).toBe(1);
    expect(lockedMetrics.find("license_gateway_operations_total", { operation: "OnlyOnOpen" })).toEqual([]);
    expect(openMetrics.find("license_gateway_operations_total", { operation: "NameOne" })).toEqual([]);
  });
});
