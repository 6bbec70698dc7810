import { connect } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { AUTH_ON, makePrincipals } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";
import { captureLogs } from "./log-capture.js";

/**
 * Request ids and the access log, through the real server: the id a client sends (when sane) or a new one comes
 * back on every response, and each request leaves exactly one access-log line that carries it, and nothing the
 * client sent beyond its method and path.
 */
const logs = captureLogs();
const t = useTestGateway({ logger: logs.logger, auth: AUTH_ON });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let admin: { headers: Record<string, string>; id: string };
let origin: string;

beforeAll(async () => {
  const principals = await makePrincipals(t.gateway.store);
  admin = { headers: principals.headers.admin, id: principals.ids.admin };
  origin = new URL(t.gateway.url).origin;
});

function post(body: unknown, headers: Record<string, string> | [string, string][] = {}) {
  const merged = new Headers(headers);
  merged.set("content-type", "application/json");
  return fetch(`${origin}/graphql`, { method: "POST", headers: merged, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** The access-log line of one request, once written (it is written when the response has ended). */
async function accessLine(requestId: string): Promise<Record<string, any>> {
  for (let i = 0; i < 100; i++) {
    const lines = logs.entries().filter((e) => e.requestId === requestId && e.msg?.startsWith("request"));
    if (lines.length > 0) {
      expect(lines).toHaveLength(1);
      return lines[0]!;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no access-log line for ${requestId}`);
}

describe("request ids", () => {
  it("keeps a client's id when it is a plain token of at most 128 characters, and makes a new one otherwise", async () => {
    for (const sane of ["abc-123", "trace:01.x_Y", "a".repeat(128)]) {
      const res = await fetch(`${origin}/healthz`, { headers: { "x-request-id": sane } });
      expect(res.headers.get("x-request-id")).toBe(sane);
    }
    const refused = [["a".repeat(129)], ["has space"], ["<script>"], ["semi;colon"], ["naïve"], ["first", "second"]];
    for (const values of refused) {
      const headers = new Headers();
      for (const value of values) headers.append("x-request-id", value);
      const res = await fetch(`${origin}/healthz`, { headers });
      expect(res.headers.get("x-request-id"), values.join(", ")).toMatch(UUID);
    }
    const none = await fetch(`${origin}/healthz`);
    expect(none.headers.get("x-request-id")).toMatch(UUID);
  });

  it("comes back on every kind of response: success, cache hit, refusals, 401, 404, redirect, probes", async () => {
    const query = { query: "query Names { customers { edges { node { id name } } } }" };
    const answers = {
      success: await post(query, { ...admin.headers, "x-request-id": "rid-success" }),
      cacheHit: await post(query, { ...admin.headers, "x-request-id": "rid-hit" }),
      unauthenticated: await post(query, { "x-request-id": "rid-401" }),
      badJson: await post("{not json", { ...admin.headers, "x-request-id": "rid-400" }),
      notFound: await fetch(`${origin}/nowhere`, { headers: { "x-request-id": "rid-404" } }),
      redirect: await fetch(`${origin}/`, { headers: { "x-request-id": "rid-302" }, redirect: "manual" }),
      healthz: await fetch(`${origin}/healthz`, { headers: { "x-request-id": "rid-healthz" } }),
      readyz: await fetch(`${origin}/readyz`, { headers: { "x-request-id": "rid-readyz" } }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, [r.status, r.headers.get("x-request-id")]]))).toEqual({
      success: [200, "rid-success"],
      cacheHit: [200, "rid-hit"],
      unauthenticated: [401, "rid-401"],
      badJson: [400, "rid-400"],
      notFound: [404, "rid-404"],
      redirect: [302, "rid-302"],
      healthz: [200, "rid-healthz"],
      readyz: [200, "rid-readyz"],
    });
    // A regression to guard against: a cached answer replaying the headers of the request that filled the cache.
    expect(answers.cacheHit.headers.get("cache-status")).toMatch(/; hit/);
    await Promise.all(Object.values(answers).map((r) => r.arrayBuffer()));
  });

  it("is on the answer to a request Node's parser refuses (headers over 16 KiB), which has no request to log", async () => {
    const [host, port] = [new URL(origin).hostname, Number(new URL(origin).port)];
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, host, () => socket.write(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`));
      let text = "";
      socket.on("data", (chunk) => (text += String(chunk)));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(/\r\nx-request-id: ([^\r]+)\r\n/.exec(raw)?.[1]).toMatch(UUID);
  });
});

describe("the access log", () => {
  it("writes one line per request: method, path, status, duration, operation, cache status, principal, id", async () => {
    const query = 'query FindKey($key: String!) { licenseByKey(source: "cryptolens", key: $key) { id } }';
    const first = await post(
      { query, variables: { key: "VARIABLE-MARKER-7731" }, operationName: "FindKey" },
      { ...admin.headers, "x-request-id": "log-first" },
    );
    expect(first.status).toBe(200);
    const hit = await post(
      { query, variables: { key: "VARIABLE-MARKER-7731" }, operationName: "FindKey" },
      { ...admin.headers, "x-request-id": "log-hit" },
    );
    expect(hit.headers.get("cache-status")).toMatch(/; hit/);
    const get = await fetch(`${origin}/graphql?query=${encodeURIComponent("{ sources { id } }")}&marker=QUERYSTRING-MARKER-55`, {
      // Apollo's CSRF prevention wants a preflight header on a GET.
      headers: {
        ...admin.headers,
        "x-request-id": "log-get",
        "apollo-require-preflight": "true",
        "user-agent": "UA-MARKER-19",
        cookie: "session=COOKIE-MARKER-3",
      },
    });
    expect(get.status).toBe(200);

    const line = await accessLine("log-first");
    expect(line).toMatchObject({
      level: 30,
      msg: "request",
      requestId: "log-first",
      method: "POST",
      path: "/graphql",
      status: 200,
      operationName: "FindKey",
      operationType: "query",
      cache: expect.stringMatching(/^fwd=miss/),
      principal: admin.id,
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    // A hit never reaches Apollo, so its operation is not known; everything else is.
    expect(await accessLine("log-hit")).toMatchObject({ status: 200, cache: expect.stringMatching(/^hit/), principal: admin.id });
    expect(await accessLine("log-get")).toMatchObject({
      method: "GET",
      path: "/graphql",
      status: 200,
      operationName: null,
      operationType: "query",
    });

    const text = logs.text();
    for (const marker of [
      "VARIABLE-MARKER-7731",
      "QUERYSTRING-MARKER-55",
      "UA-MARKER-19",
      "COOKIE-MARKER-3",
      admin.headers.authorization!.slice("Bearer ".length),
    ]) {
      expect(text, marker.slice(0, 12)).not.toContain(marker);
    }
  });

  it("names the error codes a response carries, and refusals, 404s and probes get their line too", async () => {
    t.vendors.cryptolens.fault({ server: "api", kind: "status", status: 500 });
    try {
      const res = await post(
        { query: '{ licenseByKey(source: "cryptolens", key: "ANY") { id } }' },
        { ...admin.headers, "x-request-id": "log-upstream" },
      );
      expect(((await res.json()) as any).errors[0].extensions.code).toBe("UPSTREAM_UNAVAILABLE");
    } finally {
      t.vendors.cryptolens.clearFaults();
    }
    expect(await accessLine("log-upstream")).toMatchObject({
      status: 200,
      errors: ["UPSTREAM_UNAVAILABLE"],
      cache: expect.stringContaining('detail="errors"'),
    });

    await (await fetch(`${origin}/nowhere?secret=QS`, { headers: { "x-request-id": "log-404" } })).text();
    await (await fetch(`${origin}/readyz`, { headers: { "x-request-id": "log-readyz" } })).text();
    await (await post("{not json", { ...admin.headers, "x-request-id": "log-400" })).text();
    expect(await accessLine("log-404")).toMatchObject({ method: "GET", path: "/nowhere", status: 404 });
    expect(await accessLine("log-readyz")).toMatchObject({ path: "/readyz", status: 200 });
    expect(await accessLine("log-400")).toMatchObject({ status: 400, principal: admin.id });
  });

  it("logs errors with the request id of the request they belong to", async () => {
    const res = await post(
      { query: "{ sources { id } }" },
      { authorization: "Bearer lgw_0000000000000000_not-a-real-secret", "x-request-id": "log-refused" },
    );
    expect(res.status).toBe(401);
    await accessLine("log-refused");
    const refusal = logs.entries().find((e) => e.msg === "authentication refused" && e.requestId === "log-refused");
    expect(refusal).toMatchObject({ level: 40, requestId: "log-refused" });
    expect(logs.text()).not.toContain("not-a-real-secret");
  });
});
