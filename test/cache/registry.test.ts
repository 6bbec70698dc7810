import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { cacheStatus, cached, fresh, mutate, stillCached, type Read } from "./cache-helpers.js";

/**
 * The gateway's own records (customers and their accounts, the controller registry, local licenses, API keys)
 * change through its mutations, and the next read of the same document shows the change wherever it reaches
 * them: the customer, the customers connection, a controller's owner, a license's customer, a datalink's
 * controller. Each read is first a hit, so the read after the change proves a cached answer was dropped. The
 * API key list is the exception: it is live (every use of a key changes it), so it is never kept at all. What
 * grants and revocations change for the keys' own reads is in visibility.test.ts.
 */
const t = useTestGateway();

const UPSERT_CUSTOMER = `mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`;
const UPSERT_CONTROLLER = `mutation($input: UpsertControllerInput!) { upsertController(input: $input) { nodeId } }`;

const read = (query: string, variables?: Record<string, unknown>): Read => ({ query, ...(variables ? { variables } : {}) });
const nodeOf = (edges: Array<{ node: any }>, id: string): any => edges.find((e) => e.node.id === id)?.node;
const nodeIds = (controllers: Array<{ nodeId: string }>) => controllers.map((c) => c.nodeId);

describe("customers (upsertCustomer)", () => {
  it("renaming a customer shows the new name on the customer, in the connection, as a controller's owner and as a license's customer", async () => {
    const reads = [
      read(`{ customer(id: "demo-customer-3") { name } }`),
      read(`{ customers { edges { node { id name } } } }`),
      read(`{ controller(nodeId: "sgo-ctrl-003") { customer { name } } }`),
      read(`{ licenseByKey(source: "sofar", key: "SOFAR-RES-0005") { customer { name } } }`),
    ];
    const names = async (get: (r: Read) => Promise<any>) => [
      (await get(reads[0]!)).customer.name,
      nodeOf((await get(reads[1]!)).customers.edges, "demo-customer-3").name,
      (await get(reads[2]!)).controller.customer.name,
      (await get(reads[3]!)).licenseByKey.customer.name,
    ];
    expect(await names((r) => cached(t, r))).toEqual(Array(4).fill("Bakkerij De Smet BV"));
    const otherCustomer = read(`{ customer(id: "demo-customer-1") { name licenses { key } } }`);
    const other = await cached(t, otherCustomer);
    const { accounts } = (await t.gql(`{ customer(id: "demo-customer-3") { accounts { source { id } externalId } } }`)).body.data.customer;

    await mutate(t, UPSERT_CUSTOMER, {
      input: {
        id: "demo-customer-3",
        name: "Bakkerij De Smet (renamed)",
        accounts: accounts.map((a: any) => ({ source: a.source.id, externalId: a.externalId })),
      },
    });

    expect(await names((r) => fresh(t, r))).toEqual(Array(4).fill("Bakkerij De Smet (renamed)"));
    // Another customer's record did not change: its answer stays.
    expect(await stillCached(t, otherCustomer)).toEqual(other);
  });

  it("a new customer appears in the customers connection; mapping an account to it, then unmapping it, shows and hides that account's licenses", async () => {
    const connection = read(`{ customers(first: 50) { count edges { node { id licenses(source: "flashstart") { id } } } } }`);
    expect(nodeOf((await cached(t, connection)).customers.edges, "cache-new")).toBeUndefined();
    await mutate(t, UPSERT_CUSTOMER, { input: { id: "cache-new", name: "Cache Test Customer" } });
    expect(nodeOf((await fresh(t, connection)).customers.edges, "cache-new")).toEqual({ id: "cache-new", licenses: [] });

    // Customerarea 5004 (with licence 1010) is mapped to no demo customer: no one owns 1010 yet.
    const reads = [
      read(`{ customer(id: "cache-new") { accounts { source { id } externalId } licenses { id } } }`),
      read(`{ license(id: "flashstart:1010") { id customer { id } } }`),
      connection,
    ];
    const unmapped = async (get: (r: Read) => Promise<any>) => {
      expect((await get(reads[0]!)).customer).toEqual({ accounts: [], licenses: [] });
      expect((await get(reads[1]!)).license).toBeNull();
      expect(nodeOf((await get(reads[2]!)).customers.edges, "cache-new").licenses).toEqual([]);
    };
    await unmapped((r) => cached(t, r));

    await mutate(t, UPSERT_CUSTOMER, {
      input: { id: "cache-new", name: "Cache Test Customer", accounts: [{ source: "flashstart", externalId: "5004" }] },
    });

    expect((await fresh(t, reads[0]!)).customer).toEqual({
      accounts: [{ source: { id: "flashstart" }, externalId: "5004" }],
      licenses: [{ id: "flashstart:1010" }],
    });
    expect((await fresh(t, reads[1]!)).license).toEqual({ id: "flashstart:1010", customer: { id: "cache-new" } });
    expect(nodeOf((await fresh(t, reads[2]!)).customers.edges, "cache-new").licenses).toEqual([{ id: "flashstart:1010" }]);
    for (const r of reads) await cached(t, r);

    await mutate(t, UPSERT_CUSTOMER, { input: { id: "cache-new", name: "Cache Test Customer", accounts: [] } });

    await unmapped((r) => fresh(t, r));
  });
});

describe("controllers (upsertController)", () => {
  it("moving a controller to another customer shows it under the new owner only, on the controller and through its licenses' datalinks", async () => {
    // Janssens home: demo-customer-2's, and where the demo seed claimed demo-customer-2's local LOC-DEMO-0002. (An
    // Eniris link names no controller; the gateway finds it among the license customer's controllers, so a moved
    // controller is no longer found from the Eniris side, with or without a cache: not a path to test here.)
    const nodeId = "sofar-ctrl-003";
    const reads = [
      read(`{ customer(id: "demo-customer-2") { controllers { nodeId } } }`),
      read(`{ customer(id: "demo-customer-3") { controllers { nodeId } } }`),
      read(`query($n: ID!) { controller(nodeId: $n) { name customer { id } } }`, { n: nodeId }),
      read(`{ licenseByKey(source: "local", key: "LOC-DEMO-0002") { datalinks { controller { nodeId name customer { id } } } } }`),
      read(`{ customers { edges { node { id controllers { nodeId } } } } }`),
    ];
    const owners = async (get: (r: Read) => Promise<any>) => {
      const [two, three, ctrl, license, all] = [
        await get(reads[0]!),
        await get(reads[1]!),
        await get(reads[2]!),
        await get(reads[3]!),
        await get(reads[4]!),
      ];
      return {
        underTwo: nodeIds(two.customer.controllers).includes(nodeId),
        underThree: nodeIds(three.customer.controllers).includes(nodeId),
        controller: ctrl.controller,
        viaDatalink: license.licenseByKey.datalinks.map((d: any) => d.controller),
        inConnection: ["demo-customer-2", "demo-customer-3"].filter((id) =>
          nodeIds(nodeOf(all.customers.edges, id).controllers).includes(nodeId),
        ),
      };
    };
    expect(await owners((r) => cached(t, r))).toEqual({
      underTwo: true,
      underThree: false,
      controller: { name: "Janssens home", customer: { id: "demo-customer-2" } },
      viaDatalink: [{ nodeId, name: "Janssens home", customer: { id: "demo-customer-2" } }],
      inConnection: ["demo-customer-2"],
    });

    await mutate(t, UPSERT_CONTROLLER, { input: { nodeId, name: "Janssens home (sold)", customerId: "demo-customer-3" } });

    expect(await owners((r) => fresh(t, r))).toEqual({
      underTwo: false,
      underThree: true,
      controller: { name: "Janssens home (sold)", customer: { id: "demo-customer-3" } },
      viaDatalink: [{ nodeId, name: "Janssens home (sold)", customer: { id: "demo-customer-3" } }],
      inConnection: ["demo-customer-3"],
    });
  });

  it("registering a new controller shows it by node id and under its customer", async () => {
    const reads = [
      read(`{ controller(nodeId: "cache-ctrl-new") { nodeId name customer { id } } }`),
      read(`{ customer(id: "demo-customer-1") { controllers { nodeId } } }`),
    ];
    expect((await cached(t, reads[0]!)).controller).toBeNull();
    expect(nodeIds((await cached(t, reads[1]!)).customer.controllers)).not.toContain("cache-ctrl-new");

    await mutate(t, UPSERT_CONTROLLER, { input: { nodeId: "cache-ctrl-new", name: "New box", customerId: "demo-customer-1" } });

    expect((await fresh(t, reads[0]!)).controller).toEqual({
      nodeId: "cache-ctrl-new",
      name: "New box",
      customer: { id: "demo-customer-1" },
    });
    expect(nodeIds((await fresh(t, reads[1]!)).customer.controllers)).toContain("cache-ctrl-new");
  });
});

describe("local licenses (issueLicense)", () => {
  it("issuing a license shows it by its key, under its customer and in the customers connection", async () => {
    const key = "CACHE-ISSUED-0001";
    const reads = [
      read(`query($key: String!) { licenseByKey(source: "local", key: $key) { key status customer { id } } }`, { key }),
      read(`{ customer(id: "demo-customer-2") { licenses(source: "local") { key } } }`),
      read(`{ customers { edges { node { id licenses(source: "local") { key } } } } }`),
    ];
    expect((await cached(t, reads[0]!)).licenseByKey).toBeNull();
    expect((await cached(t, reads[1]!)).customer.licenses.map((l: any) => l.key)).not.toContain(key);
    expect(nodeOf((await cached(t, reads[2]!)).customers.edges, "demo-customer-2").licenses.map((l: any) => l.key)).not.toContain(key);

    await mutate(
      t,
      `mutation($key: String!) { issueLicense(input: { key: $key, customerId: "demo-customer-2", durationMonths: 12 }) { id } }`,
      { key },
    );

    expect((await fresh(t, reads[0]!)).licenseByKey).toEqual({ key, status: "INACTIVE", customer: { id: "demo-customer-2" } });
    expect((await fresh(t, reads[1]!)).customer.licenses.map((l: any) => l.key)).toContain(key);
    expect(nodeOf((await fresh(t, reads[2]!)).customers.edges, "demo-customer-2").licenses.map((l: any) => l.key)).toContain(key);
  });
});

describe("API keys (createApiKey, grantCustomer, revokeGrant, revokeApiKey)", () => {
  it("the key list is never served from the cache, so each change to a key shows at once", async () => {
    const list = async () => {
      const res = await t.gql(`{ apiKeys { id grants revokedAt } }`);
      expect(res.body.errors).toBeUndefined();
      expect(cacheStatus(res)).toBe(`license-gateway; fwd=miss; detail="live field Query.apiKeys"`);
      return res.body.data.apiKeys as Array<{ id: string; grants: string[]; revokedAt: string | null }>;
    };
    const before = await list();
    expect(await list()).toEqual(before);
    const { apiKey } = await mutate(
      t,
      `mutation { createApiKey(input: { name: "cache partner", role: PARTNER, grants: ["demo-customer-1"] }) { apiKey { id } errors { code } } }`,
    );
    const keyIn = async () => (await list()).find((k) => k.id === apiKey.id);
    expect(await keyIn()).toEqual({ id: apiKey.id, grants: ["demo-customer-1"], revokedAt: null });
    await mutate(t, `mutation($id: ID!) { grantCustomer(input: { apiKeyId: $id, customerId: "demo-customer-2" }) { errors { code } } }`, {
      id: apiKey.id,
    });
    expect((await keyIn())!.grants.sort()).toEqual(["demo-customer-1", "demo-customer-2"]);
    await mutate(t, `mutation($id: ID!) { revokeGrant(input: { apiKeyId: $id, customerId: "demo-customer-1" }) { errors { code } } }`, {
      id: apiKey.id,
    });
    expect((await keyIn())!.grants).toEqual(["demo-customer-2"]);
    await mutate(t, `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { errors { code } } }`, { id: apiKey.id });
    expect((await keyIn())!.revokedAt).toEqual(expect.any(String));
  });
});
