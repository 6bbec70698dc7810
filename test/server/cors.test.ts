import { request } from "undici";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { DEMO_CORS_ORIGINS } from "../../src/demo/cors.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * Issue 13, item 1: a single-page app on another origin could not call the gateway: a preflight got 400 with the
 * CSRF message, and no answer carried an Access-Control-* header. Real gateways, real HTTP, explicit Origin headers.
 */
const APP = "https://app.example.com";
const ADMIN = "https://admin.example.com";
const EVIL = "https://evil.example.net";
const MAX_BODY_BYTES = 4096;

const listed = useTestGateway({
  serverOverrides: { cors: { origins: [APP, ADMIN], maxAgeSeconds: 600 }, limits: { maxBodyBytes: MAX_BODY_BYTES } },
});
const demo = useTestGateway({ serverOverrides: { cors: { origins: DEMO_CORS_ORIGINS }, rateLimit: { requestsPerMinute: 1, burst: 2 } } });
const off = useTestGateway();

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

async function call(
  url: string,
  init: { method?: string; origin?: string; headers?: Record<string, string>; search?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(init.search ?? {})) target.searchParams.set(name, value);
  const res = await request(target, {
    method: (init.method ?? "GET") as "GET",
    headers: { accept: "application/json", ...(init.origin ? { origin: init.origin } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const headers = Object.fromEntries(
    Object.entries(res.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : String(value)]),
  );
  return { status: res.statusCode, headers, text: await res.body.text() };
}

function preflight(url: string, origin: string, method = "POST", requestHeaders?: string): Promise<Answer> {
  return call(url, {
    method: "OPTIONS",
    origin,
    headers: { "access-control-request-method": method, ...(requestHeaders ? { "access-control-request-headers": requestHeaders } : {}) },
  });
}

const QUERY = "query Sources { sources { id } }";
/** A GET a browser sends cross-origin only after a preflight: it carries a header that forces one. */
const getQuery = (url: string, origin: string | undefined, headers: Record<string, string> = {}) =>
  call(url, { ...(origin ? { origin } : {}), search: { query: QUERY }, headers: { "apollo-require-preflight": "true", ...headers } });
const postQuery = (url: string, origin: string | undefined, body = JSON.stringify({ query: QUERY })) =>
  call(url, { method: "POST", ...(origin ? { origin } : {}), headers: { "content-type": "application/json" }, body });

const accessControl = (answer: Answer) => Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"));
const varyOf = (answer: Answer) => (answer.headers.vary ?? "").split(",").map((name) => name.trim().toLowerCase());

/** What every actual answer to a listed origin carries, whoever wrote it. */
function expectCorsAnswer(answer: Answer, origin: string): void {
  expect(answer.headers["access-control-allow-origin"], answer.text.slice(0, 200)).toBe(origin);
  expect(answer.headers["access-control-expose-headers"]).toBe("x-request-id,etag,retry-after");
  expect(varyOf(answer)).toContain("origin");
  // The Authorization header is no credential in the CORS sense: cookies are not allowed along.
  expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
}

function expectNoCors(answer: Answer): void {
  expect(accessControl(answer), JSON.stringify(answer.headers)).toEqual([]);
}

describe("a preflight from a listed origin", () => {
  it("gets 204 with the origin, GET and POST, the headers it asked for and Max-Age, and never reaches Apollo", async () => {
    const answer = await preflight(listed.gateway.url, APP, "POST", "content-type, authorization, traceparent");
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(answer.headers["access-control-allow-origin"]).toBe(APP);
    expect(answer.headers["access-control-allow-methods"]).toBe("GET, POST");
    expect(answer.headers["access-control-allow-headers"]).toBe("content-type,authorization,traceparent");
    expect(answer.headers["access-control-max-age"]).toBe("600");
    expect(answer.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(varyOf(answer)).toContain("origin");
  });

  it("for a GET with Apollo's CSRF header and a request id", async () => {
    const answer = await preflight(listed.gateway.url, ADMIN, "GET", "Apollo-Require-Preflight,X-Request-Id");
    expect([answer.status, answer.headers["access-control-allow-origin"], answer.headers["access-control-allow-headers"]]).toEqual([
      204,
      ADMIN,
      "apollo-require-preflight,x-request-id",
    ]);
  });

  it("asking for a header outside the list gets only the allowed ones it asked for, so the browser fails it", async () => {
    const mixed = await preflight(listed.gateway.url, APP, "POST", "content-type, x-internal-debug");
    expect([mixed.status, mixed.headers["access-control-allow-headers"]]).toEqual([204, "content-type"]);
    const unknownOnly = await preflight(listed.gateway.url, APP, "POST", "x-internal-debug");
    expect(unknownOnly.status).toBe(204);
    expect(unknownOnly.headers["access-control-allow-headers"]).toBeUndefined();
  });
});

describe("a preflight from an unlisted origin", () => {
  it("gets 403 with a coded error and no Access-Control-* header, not Apollo's CSRF message", async () => {
    const answer = await preflight(listed.gateway.url, EVIL, "POST", "content-type");
    expect(answer.status).toBe(403);
    expectNoCors(answer);
    const body = JSON.parse(answer.text) as { errors: Array<{ message: string; extensions: unknown }> };
    expect(body.errors[0]!.extensions).toEqual({ code: "FORBIDDEN" });
    expect(body.errors[0]!.message).toMatch(/not listed in the gateway's server\.cors\.origins/);
    expect(body.errors[0]!.message).not.toMatch(/CSRF|preflight/i);
  });

  it("is refused the same way when no origin is listed at all (the default)", async () => {
    const answer = await preflight(off.gateway.url, APP, "POST", "content-type");
    expect(answer.status).toBe(403);
    expectNoCors(answer);
    expect(JSON.parse(answer.text).errors[0].extensions).toEqual({ code: "FORBIDDEN" });
  });
});

describe("actual answers", () => {
  it("a POST answer to a listed origin carries the origin, Vary: Origin and the exposed headers", async () => {
    const answer = await postQuery(listed.gateway.url, APP);
    expect(answer.status).toBe(200);
    expectCorsAnswer(answer, APP);
  });

  it("a GET answer keeps Vary: Accept, Authorization and adds Origin", async () => {
    const answer = await getQuery(listed.gateway.url, ADMIN);
    expect(answer.status).toBe(200);
    expectCorsAnswer(answer, ADMIN);
    expect(varyOf(answer).sort()).toEqual(["accept", "authorization", "origin"]);
    expect(answer.headers.etag).toMatch(/^"/);
  });

  it("an unlisted origin gets no Access-Control-* header, but Vary: Origin all the same", async () => {
    const answer = await getQuery(listed.gateway.url, EVIL);
    expect(answer.status).toBe(200);
    expectNoCors(answer);
    expect(varyOf(answer).sort()).toEqual(["accept", "authorization", "origin"]);
    const without = await postQuery(listed.gateway.url, undefined);
    expectNoCors(without);
    expect(varyOf(without)).toContain("origin");
  });

  it("are the same as before when no origin is listed: no CORS header, no Vary: Origin", async () => {
    const answer = await getQuery(off.gateway.url, APP);
    expect(answer.status).toBe(200);
    expectNoCors(answer);
    expect(answer.headers.vary).toBe("Accept, Authorization");
  });

  it("from the response cache carry the asking origin's headers, never the ones of the origin that filled it", async () => {
    const query = "query CachedForCors { sources { id kind } }";
    const get = (origin: string | undefined) =>
      call(listed.gateway.url, { ...(origin ? { origin } : {}), search: { query }, headers: { "apollo-require-preflight": "true" } });
    const filled = await get(APP);
    expect(filled.headers["cache-status"]).toContain("stored");
    const hit = await get(ADMIN);
    expect(hit.headers["cache-status"]).toContain("hit");
    expect(hit.text).toBe(filled.text);
    expectCorsAnswer(hit, ADMIN);
    expect(varyOf(hit).sort()).toEqual(["accept", "authorization", "origin"]);
    for (const other of [EVIL, undefined]) {
      const plain = await get(other);
      expect(plain.headers["cache-status"]).toContain("hit");
      expectNoCors(plain);
    }
  });

  it("a 304 carries them too", async () => {
    const first = await getQuery(listed.gateway.url, APP);
    const revalidated = await getQuery(listed.gateway.url, APP, { "if-none-match": first.headers.etag! });
    expect(revalidated.status).toBe(304);
    expectCorsAnswer(revalidated, APP);
    expect(varyOf(revalidated).sort()).toEqual(["accept", "authorization", "origin"]);
  });

  it("refusals and errors carry them: a 413, a 400 from the gateway, a 400 from Apollo", async () => {
    const tooLarge = await postQuery(listed.gateway.url, APP, JSON.stringify({ query: `{ __typename ${"#".repeat(MAX_BODY_BYTES)}\n}` }));
    expect([tooLarge.status, JSON.parse(tooLarge.text).errors[0].extensions.code]).toEqual([413, "OPERATION_LIMIT_EXCEEDED"]);
    expectCorsAnswer(tooLarge, APP);
    const notJson = await postQuery(listed.gateway.url, APP, "{ not json");
    expect([notJson.status, JSON.parse(notJson.text).errors[0].extensions.code]).toEqual([400, "BAD_REQUEST"]);
    expectCorsAnswer(notJson, APP);
    const invalid = await postQuery(listed.gateway.url, APP, JSON.stringify({ query: "{ nope }" }));
    expect([invalid.status, JSON.parse(invalid.text).errors[0].extensions.code]).toEqual([400, "GRAPHQL_VALIDATION_FAILED"]);
    expectCorsAnswer(invalid, APP);
  });

  it("CSRF prevention stays on: a simple GET or text/plain POST from a listed origin is still refused", async () => {
    const simpleGet = await call(listed.gateway.url, { origin: APP, search: { query: QUERY } });
    expect(simpleGet.status).toBe(400);
    expect(simpleGet.text).toMatch(/CSRF/);
    const simplePost = await call(listed.gateway.url, {
      method: "POST",
      origin: APP,
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(simplePost.status).toBe(400);
    expect(simplePost.text).toMatch(/CSRF/);
  });
});

describe("the demo's origins: http://localhost:* and http://127.0.0.1:*", () => {
  it.each(["http://localhost:5173", "http://localhost:3000", "http://localhost", "http://127.0.0.1:8080"])("let %s in", async (origin) => {
    const answer = await preflight(demo.gateway.url, origin, "POST", "content-type");
    expect([answer.status, answer.headers["access-control-allow-origin"]]).toEqual([204, origin]);
  });

  it.each([
    "http://localhost.evil.com",
    "http://localhost.evil.com:5173",
    "https://localhost:5173",
    "http://127.0.0.1.nip.io:80",
    "http://[::1]:5173",
    "http://localhost:5173.evil.com",
    "null",
  ])("keep %s out", async (origin) => {
    const answer = await preflight(demo.gateway.url, origin, "POST", "content-type");
    expect(answer.status).toBe(403);
    expectNoCors(answer);
  });

  it("a 429 carries the CORS headers, and exposes Retry-After", async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 4; i++) answers.push(await postQuery(demo.gateway.url, "http://localhost:5173"));
    const limited = answers.find((answer) => answer.status === 429);
    expect(limited, answers.map((a) => a.status).join()).toBeDefined();
    expectCorsAnswer(limited!, "http://localhost:5173");
    expect(limited!.headers["retry-after"]).toMatch(/^\d+$/);
    expect(JSON.parse(limited!.text).errors[0].extensions.code).toBe("RATE_LIMITED");
  });
});

describe("server.cors in the config", () => {
  const config = (cors: unknown) => parseConfig({ auth: { mode: "off" }, server: { cors } }, {});
  const refused = (origin: string) => {
    try {
      config({ origins: [origin] });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${origin} was accepted`);
  };

  it("defaults to no origins and a 2 h Max-Age", () => {
    expect(parseConfig({ auth: { mode: "off" } }, {}).server.cors).toEqual({ origins: [], maxAgeSeconds: 7200 });
  });

  it("accepts exact origins and scheme://host:*", () => {
    const origins = ["https://app.example.com", "http://localhost:5173", "http://localhost:*", "https://[::1]:*", "http://127.0.0.1"];
    expect(config({ origins, maxAgeSeconds: 60 }).server.cors).toEqual({ origins, maxAgeSeconds: 60 });
  });

  it.each(["*", "https://*", "https://*.example.com", "*.example.com", "https://example.com*", "https://example.com:8*", "http://*:3000"])(
    "refuses the wildcard %s, naming the key",
    (origin) => {
      const message = refused(origin);
      expect(message).toContain("server.cors.origins.0");
      expect(message).toContain("only exact origins (https://app.example.com) and scheme://host:* (any port on that host) are accepted");
    },
  );

  it.each([
    ["https://example.com/", "as a browser sends it"],
    ["https://example.com/app", "as a browser sends it"],
    ["https://Example.com", "as a browser sends it"],
    ["https://example.com:443", "as a browser sends it"],
    ["example.com", "not an origin"],
    ["ftp://example.com", "http or https"],
    ["http://localhost:5173:*", "write no port before the *"],
    ["null", "the null origin"],
  ])("refuses %s (%s)", (origin, why) => {
    const message = refused(origin);
    expect(message).toContain("server.cors.origins.0");
    expect(message).toContain(why);
  });

  it("refuses a Max-Age past a day", () => {
    expect(() => config({ origins: [], maxAgeSeconds: 100_000 })).toThrow(/server\.cors\.maxAgeSeconds/);
  });
});
