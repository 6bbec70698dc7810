import { beforeAll, describe, expect, it } from "vitest";
import { A, AUTH_ON, B, makePrincipals, type Principals, type Who } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * The caches are shared by every client; what each client receives is not. A cached response is keyed by the
 * principal (id, role and the customers it may see), and the vendor answers cached underneath are filtered by
 * the policy on every request. These tests warm the caches as one principal and read as another.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
});

const CUSTOMER_LICENSES = `query ($id: ID!) { customer(id: $id) { id licenses { id key } } }`;
const LICENSE = `query ($id: ID!) { license(id: $id) { id key customer { id } } }`;
const CUSTOMERS = `{ customers(first: 50) { edges { node { id } } } }`;

async function as(role: Who, query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables, who.headers[role]);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return { data: res.body.data, cache: res.headers.get("cache-status") };
}

describe("cached answers are never served to another principal", () => {
  it("another principal asking the same document and variables gets its own answer, not the cached one", async () => {
    await as("customerA", CUSTOMER_LICENSES, { id: A });
    const warm = await as("customerA", CUSTOMER_LICENSES, { id: A });
    expect(warm.cache).toMatch(/; hit/);
    expect(warm.data.customer.licenses.length).toBeGreaterThan(0);

    const other = await as("partnerB", CUSTOMER_LICENSES, { id: A });
    expect(other.data).toEqual({ customer: null });
    expect(other.cache).not.toMatch(/; hit/);

    const admin = await as("admin", CUSTOMER_LICENSES, { id: A });
    expect(admin.data).toEqual(warm.data);
    expect(admin.cache).not.toMatch(/; hit/);
  });

  it("a license cached for its customer is missing for someone who may not see it", async () => {
    const { data } = await as("customerA", CUSTOMER_LICENSES, { id: A });
    const id = data.customer.licenses[0].id;
    await as("customerA", LICENSE, { id });
    expect((await as("customerA", LICENSE, { id })).cache).toMatch(/; hit/);
    expect((await as("partnerB", LICENSE, { id })).data).toEqual({ license: null });
    expect((await as("partnerA", LICENSE, { id })).data.license.id).toBe(id);
  });

  it("the vendors' answers cached for one principal are filtered again for the next (shared below, not above)", async () => {
    await as("admin", CUSTOMER_LICENSES, { id: B });
    t.resetCalls();
    const partner = await as("partnerA", CUSTOMER_LICENSES, { id: B });
    expect(partner.data).toEqual({ customer: null });
    const granted = await as("partnerB", CUSTOMER_LICENSES, { id: B });
    expect(granted.data.customer.licenses.length).toBeGreaterThan(0);
    // Served from the source cache the admin warmed: no vendor call, and still only what each may see.
    expect(t.apiCalls()).toBe(0);
  });

  it("lists are cut to what each principal may see", async () => {
    const ids = async (role: Who) => (await as(role, CUSTOMERS)).data.customers.edges.map((e: any) => e.node.id);
    await ids("admin");
    expect(await ids("admin")).toEqual(expect.arrayContaining([A, B]));
    expect(await ids("partnerA")).toEqual([A]);
    expect(await ids("partnerB")).toEqual([B]);
    expect(await ids("customerA")).toEqual([A]);
  });

  it("a grant revoked after an answer was cached takes effect on the next request", async () => {
    await as("partnerA", CUSTOMER_LICENSES, { id: A });
    expect((await as("partnerA", CUSTOMER_LICENSES, { id: A })).cache).toMatch(/; hit/);
    const keyId = who.ids.partnerA.replace(/^apikey:/, "");
    const revoke = await as("admin", `mutation ($input: GrantInput!) { revokeGrant(input: $input) { errors { code } } }`, {
      input: { apiKeyId: keyId, customerId: A },
    });
    expect(revoke.data.revokeGrant.errors).toEqual([]);
    expect((await as("partnerA", CUSTOMER_LICENSES, { id: A })).data).toEqual({ customer: null });
    await as("admin", `mutation ($input: GrantInput!) { grantCustomer(input: $input) { errors { code } } }`, {
      input: { apiKeyId: keyId, customerId: A },
    });
    expect((await as("partnerA", CUSTOMER_LICENSES, { id: A })).data.customer.id).toBe(A);
  });

  it("a revoked key never gets a cached answer: the door is checked before the cache", async () => {
    const created = await as(
      "admin",
      `mutation { createApiKey(input: { name: "cache revoke", role: CUSTOMER, customerId: "${A}" }) { apiKey { id } secret } }`,
    );
    const { apiKey, secret } = created.data.createApiKey;
    const headers = { authorization: `Bearer ${secret}` };
    await t.gql(CUSTOMER_LICENSES, { id: A }, headers);
    expect((await t.gql(CUSTOMER_LICENSES, { id: A }, headers)).headers.get("cache-status")).toMatch(/; hit/);
    await as("admin", `mutation { revokeApiKey(input: { id: "${apiKey.id}" }) { errors { code } } }`);
    const refused = await t.gql(CUSTOMER_LICENSES, { id: A }, headers);
    expect(refused.status).toBe(401);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
