import { beforeAll, describe, expect, it } from "vitest";
import { A, AUTH_ON, makePrincipals, type Principals } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * Browser caching of GET answers (src/server/conditional-get.ts): an ETag and `private, no-cache` on every
 * successful GET, 304 for a copy that is still current, from the response cache and from an executed operation
 * alike, and a new answer (never the old copy) once a mutation changed what the query read.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
});

async function get(query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>) {
  const url = new URL(t.gateway.url);
  url.searchParams.set("query", query);
  if (variables) url.searchParams.set("variables", JSON.stringify(variables));
  const res = await fetch(url, { headers: { accept: "application/json", ...headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const NAME = "query CustomerName($id: ID!) { customer(id: $id) { id name } }";

describe("GET answers", () => {
  it("carry an ETag and private, no-cache, and vary on Accept and Authorization", async () => {
    const first = await get(NAME, { id: A }, who.headers.partnerA);
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toMatch(/^"[\w-]{22}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    expect(first.headers.get("vary")).toBe("Accept, Authorization");
    // The same bytes, the same tag; another caller's answer is its own (here the same data, so the same tag).
    const again = await get(NAME, { id: A }, who.headers.partnerA);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
  });

  it("answer 304 without a body while the copy is current, from the response cache", async () => {
    const first = await get(NAME, { id: A }, who.headers.customerA);
    const etag = first.headers.get("etag")!;
    const revalidated = await get(NAME, { id: A }, { ...who.headers.customerA, "if-none-match": etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe("");
    expect(revalidated.headers.get("etag")).toBe(etag);
    expect(revalidated.headers.get("cache-control")).toBe("private, no-cache");
    expect(revalidated.headers.get("cache-status")).toContain("hit");
    const listed = await get(NAME, { id: A }, { ...who.headers.customerA, "if-none-match": `"other", W/${etag}` });
    expect(listed.status).toBe(304);
    const stale = await get(NAME, { id: A }, { ...who.headers.customerA, "if-none-match": '"other"' });
    expect([stale.status, stale.text]).toEqual([200, first.text]);
  });

  it("answer 304 for an operation that ran (nothing cached), when its answer is unchanged", async () => {
    // `apiKeys` is live (lastUsedAt): its answers are never cached, so each request runs it.
    const KEYS = "{ apiKeys { id name role } }";
    const first = await get(KEYS, undefined, who.headers.admin);
    expect(first.headers.get("cache-status") ?? "").not.toContain("hit");
    const revalidated = await get(KEYS, undefined, { ...who.headers.admin, "if-none-match": first.headers.get("etag")! });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("cache-status") ?? "").not.toContain("hit");
  });

  it("answer anew once a mutation changed what the query read", async () => {
    const before = await get(NAME, { id: A }, who.headers.admin);
    const renamed = await t.gql(
      `mutation($id: ID!) { upsertCustomer(input: { id: $id, name: "Renamed for ETags" }) { name } }`,
      { id: A },
      who.headers.admin,
    );
    expect(renamed.body.errors).toBeUndefined();
    const after = await get(NAME, { id: A }, { ...who.headers.admin, "if-none-match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text).data.customer.name).toBe("Renamed for ETags");
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
  });

  it("are the only ones: a POST and an error answer get no-store and no ETag, and Apollo's own Cache-Control stays", async () => {
    const post = await t.gql(NAME, { id: A }, who.headers.partnerA);
    expect(post.headers.get("etag")).toBeNull();
    expect(post.headers.get("cache-control")).toBe("no-store");
    const refused = await get("{ customers { nmae } }", undefined, who.headers.partnerA);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("etag")).toBeNull();
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const url = new URL(t.gateway.url);
    url.searchParams.set("extensions", JSON.stringify({ persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } }));
    const unknown = await fetch(url, { headers: { accept: "application/json", ...who.headers.partnerA } });
    expect(unknown.headers.get("cache-control")).toBe("private, no-cache, must-revalidate");
    expect(unknown.headers.get("etag")).toBeNull();
  });
});
