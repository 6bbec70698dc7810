import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ApiKeyAdmin } from "../../src/auth/key-admin.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { REDIS_URL, redisMissing, useRedisPrefix } from "../redis/support.js";
import { useTestGateway, type GraphQLResponse, type TestGateway } from "../support/gateway.js";

/**
 * Automatic persisted queries (src/server/persisted-queries.ts) over real HTTP: Apollo's protocol over POST and GET,
 * the response cache in front of it, the request limits, and (with REDIS_URL) the store shared by replicas.
 */
const CUSTOMER = `query Customer($id: ID!) { customer(id: $id) { name licenses { key } } }`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const persisted = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(document) } });

type Operation = { query?: string; variables?: Record<string, unknown>; operationName?: string; extensions?: unknown };

async function post(t: TestGateway, operation: Operation, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const res = await fetch(t.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(operation),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse["body"] };
}

/** The GET form a CDN caches: every parameter in the query string. `apollo-require-preflight` unless headers say otherwise. */
async function get(
  t: TestGateway,
  operation: Operation,
  headers: Record<string, string> = { "apollo-require-preflight": "true" },
): Promise<GraphQLResponse> {
  const url = new URL(t.gateway.url);
  for (const [name, value] of Object.entries(operation)) {
    if (value !== undefined) url.searchParams.set(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  const res = await fetch(url, { headers: { accept: "application/json", ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse["body"] };
}

const codes = (res: GraphQLResponse) => res.body.errors?.map((e) => e.extensions?.code);
const cacheStatus = (res: GraphQLResponse) => res.headers.get("cache-status") ?? "";

/** A document no other test registers, so each test starts with an unknown hash. */
let unique = 0;
const fresh = () => `query Customer${++unique}($id: ID!) { customer(id: $id) { name licenses { key } } }`;

describe("automatic persisted queries (auth off)", () => {
  const t = useTestGateway();

  it("answers PERSISTED_QUERY_NOT_FOUND to an unknown hash, then runs it by hash once the document was sent with it", async () => {
    const document = fresh();
    const operation = { variables: { id: "demo-customer-1" }, extensions: persisted(document) };
    const unknown = await post(t, operation);
    expect(unknown.status).toBe(200);
    expect(codes(unknown)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    expect(unknown.body.data).toBeUndefined();
    // Apollo's own header: no browser or CDN may keep the refusal once the document is registered.
    expect(unknown.headers.get("cache-control")).toBe("private, no-cache, must-revalidate");

    const registered = await post(t, { ...operation, query: document });
    expect(registered.body.errors).toBeUndefined();
    expect(registered.body.data.customer.name).toBeTruthy();

    const byHash = await post(t, operation);
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual(registered.body);
  });

  it("runs the same flow over GET, with variables and operationName in the query string", async () => {
    const document = fresh();
    const operation = { operationName: `Customer${unique}`, variables: { id: "demo-customer-2" }, extensions: persisted(document) };
    expect(codes(await get(t, operation))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);

    const registered = await get(t, { ...operation, query: document });
    expect(registered.status).toBe(200);
    expect(registered.body.errors).toBeUndefined();

    const byHash = await get(t, operation);
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual(registered.body);
  });

  it("knows over GET a document registered over POST (one store)", async () => {
    const document = fresh();
    const operation = { variables: { id: "demo-customer-1" }, extensions: persisted(document) };
    expect((await post(t, { ...operation, query: document })).body.errors).toBeUndefined();
    const byHash = await get(t, operation);
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.customer.name).toBeTruthy();
  });

  it("refuses a document whose hash does not match it, and does not register it under that hash", async () => {
    const document = fresh();
    const wrong = { variables: { id: "demo-customer-1" }, extensions: persisted(`${document} `) };
    const refused = await post(t, { ...wrong, query: document });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.message).toBe("provided sha does not match query");
    expect(codes(refused)).toEqual(["BAD_REQUEST"]);
    expect(refused.body.data).toBeUndefined();
    expect(codes(await post(t, wrong))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  it("refuses a mutation over GET (405) before running or registering it", async () => {
    const mutation = `mutation { updateCustomerContact(input: { customerId: "demo-customer-2", email: "apq-get@example.com" }) { errors { code } } }`;
    const refused = await get(t, { query: mutation, extensions: persisted(mutation) });
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe("POST");
    expect(refused.body.errors?.[0]?.message).toMatch(/GET requests only support query operations/);
    expect(codes(await post(t, { extensions: persisted(mutation) }))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    const contact = await t.gql(`{ customer(id: "demo-customer-2") { profile { email } } }`);
    expect(contact.body.data?.customer?.profile?.email).not.toBe("apq-get@example.com");
  });

  it("refuses a GET without a header that forces a browser preflight (CSRF prevention)", async () => {
    const refused = await get(t, { query: CUSTOMER, variables: { id: "demo-customer-1" } }, {});
    expect(refused.status).toBe(400);
    expect(codes(refused)).toEqual(["BAD_REQUEST"]);
    expect(refused.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
  });

  it("serves a repeated persisted GET from the response cache", async () => {
    const document = fresh();
    const operation = { variables: { id: "demo-customer-3" }, extensions: persisted(document) };
    expect((await post(t, { ...operation, query: document })).body.errors).toBeUndefined();
    const first = await get(t, operation);
    expect(first.body.errors).toBeUndefined();
    expect(cacheStatus(first)).toBe("license-gateway; fwd=miss; stored");
    const second = await get(t, operation);
    expect(cacheStatus(second)).toMatch(/^license-gateway; hit; ttl=\d+$/);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
  });

  it("never stores PERSISTED_QUERY_NOT_FOUND: the hash works as soon as it is registered", async () => {
    const document = fresh();
    const operation = { variables: { id: "demo-customer-1" }, extensions: persisted(document) };
    expect(codes(await get(t, operation))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    expect(codes(await get(t, operation))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    expect((await post(t, { ...operation, query: document })).body.errors).toBeUndefined();
    expect((await get(t, operation)).body.errors).toBeUndefined();
  });
});

describe("persisted queries still pass the request limits", () => {
  const t = useTestGateway({ serverOverrides: { limits: { maxDepth: 3, maxTokens: 40 } } });

  it("refuses to register a document deeper than maxDepth, and keeps nothing under its hash", async () => {
    const deep = `{ customer(id: "demo-customer-1") { licenses { customer { name } } } }`;
    const operation = { extensions: persisted(deep) };
    const refused = await post(t, { ...operation, query: deep });
    expect(refused.status).toBe(400);
    expect(codes(refused)).toEqual(["OPERATION_LIMIT_EXCEEDED"]);
    expect(refused.body.errors?.[0]?.extensions?.limit).toBe("maxDepth");
    expect(codes(await get(t, operation))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  it("refuses to register a document over maxTokens, over GET too", async () => {
    const long = `{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __typename`).join(" ")} }`;
    const refused = await get(t, { query: long, extensions: persisted(long) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions?.limit).toBe("maxTokens");
    expect(codes(await get(t, { extensions: persisted(long) }))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });
});

describe("persisted GETs with authentication on: a cached answer is never shared across principals", () => {
  const t = useTestGateway({ auth: { mode: "on" } });

  async function apiKey(name: string): Promise<Record<string, string>> {
    const admin = new ApiKeyAdmin(new AuditedWriter(t.gateway.store, "persisted-queries-test"), { requireAdmin: () => {} });
    const created = await admin.createApiKey({ name, role: "admin" });
    expect(created.errors).toEqual([]);
    return { authorization: `Bearer ${created.secret!}` };
  }

  it("lets a GET with an API key through CSRF prevention, and keeps one cached answer per key", async () => {
    const [first, second] = [await apiKey("apq first"), await apiKey("apq second")];
    const operation = { variables: { id: "demo-customer-1" }, extensions: persisted(CUSTOMER) };
    // The authorization header alone forces a browser preflight: no Apollo-specific header needed.
    expect((await post(t, { ...operation, query: CUSTOMER }, first)).body.errors).toBeUndefined();

    const a1 = await get(t, operation, first);
    expect(a1.status).toBe(200);
    expect(cacheStatus(a1)).toBe("license-gateway; fwd=miss; stored");
    expect(cacheStatus(await get(t, operation, first))).toMatch(/; hit; /);

    // The same URL with another key: computed again for that principal, then a hit of its own.
    const b1 = await get(t, operation, second);
    expect(b1.body.errors).toBeUndefined();
    expect(cacheStatus(b1)).toBe("license-gateway; fwd=miss; stored");
    expect(cacheStatus(await get(t, operation, second))).toMatch(/; hit; /);

    // No credential: 401, never someone's cached answer.
    const anonymous = await get(t, operation);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.data).toBeUndefined();
    expect(cacheStatus(anonymous)).not.toMatch(/hit/);
  });
});

const skipped = redisMissing ? ` (skipped: ${redisMissing})` : "";

describe.skipIf(redisMissing)(`two gateways sharing one Redis and key prefix${skipped}`, () => {
  const { prefix } = useRedisPrefix();
  const replica = () => useTestGateway({ cache: { url: REDIS_URL!, keyPrefix: prefix } });
  const [a, b] = [replica(), replica()];

  it("know a document registered on either of them", async () => {
    const document = fresh();
    const operation = { variables: { id: "demo-customer-1" }, extensions: persisted(document) };
    expect(codes(await get(b, operation))).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    const registered = await post(a, { ...operation, query: document });
    expect(registered.body.errors).toBeUndefined();
    // Apollo stores the document without waiting; give the write a moment to land.
    let byHash = await get(b, operation);
    for (let i = 0; i < 20 && codes(byHash) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      byHash = await get(b, operation);
    }
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data).toEqual(registered.body.data);
  });
});
