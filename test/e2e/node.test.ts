import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { A, AUTH_ON, B, makePrincipals, type Principals } from "../auth/roles.js";

/**
 * Relay global object identification through the real server: `node(id)` and `nodes(ids)` answer exactly what
 * each type's own query answers, to whoever asks. Vendor-answer caching is off so the call counts show batching,
 * not a warm cache.
 */
const t = useTestGateway({ auth: AUTH_ON, cache: { enabled: false } });
let who: Principals;
/** Per customer (admin's view): its license ids and its controllers' node ids. */
const held: Record<string, { licenses: string[]; sofarLicenses: string[]; nodeIds: string[] }> = {};

async function ok(headers: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables, headers);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

const admin = (query: string, variables?: Record<string, unknown>) => ok(who.headers.admin, query, variables);

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  for (const id of [A, B]) {
    const { customer } = await admin(`query($id: ID!) { customer(id: $id) { licenses { id source { id } } controllers { nodeId } } }`, {
      id,
    });
    held[id] = {
      licenses: customer.licenses.map((l: any) => l.id),
      sofarLicenses: customer.licenses.filter((l: any) => l.source.id === "sofar").map((l: any) => l.id),
      nodeIds: customer.controllers.map((c: any) => c.nodeId),
    };
    expect(held[id]!.licenses.length).toBeGreaterThan(0);
    expect(held[id]!.nodeIds.length).toBeGreaterThan(0);
  }
});

describe("node(id)", () => {
  it("answers each type as its own query does", async () => {
    const licenseId = held[A]!.licenses[0]!;
    const nodeId = held[A]!.nodeIds[0]!;
    const own = await admin(
      `query($c: ID!, $n: ID!, $l: ID!) {
        customer(id: $c) { id name }
        controller(nodeId: $n) { id nodeId name serialNumber }
        license(id: $l) { id key status source { id } }
      }`,
      { c: A, n: nodeId, l: licenseId },
    );
    expect(own.controller.id).toBe(`Controller:${nodeId}`);
    const viaNode = await admin(
      `query($c: ID!, $n: ID!, $l: ID!) {
        customer: node(id: $c) { __typename ... on Customer { id name } }
        controller: node(id: $n) { __typename ... on Controller { id nodeId name serialNumber } }
        license: node(id: $l) { __typename ... on License { id key status source { id } } }
      }`,
      { c: A, n: own.controller.id, l: licenseId },
    );
    expect(viaNode).toEqual({
      customer: { __typename: "Customer", ...own.customer },
      controller: { __typename: "Controller", ...own.controller },
      license: { __typename: "License", ...own.license },
    });
  });

  it("answers null for unknown and malformed ids, without an error", async () => {
    // `license(id: "sofar:")` is BAD_USER_INPUT; a Node id has no required shape beyond every id's (1 to 256 characters, no control
    // characters: a customer's id is any such string), so here it is null.
    for (const id of ["no-such-customer", "sofar:no-such-license", "Controller:no-such-node", "nowhere:1", "sofar:", "Controller:"]) {
      expect(await admin(`query($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ node: null });
    }
  });

  it("refuses an id no object can have (empty, over 256 characters) with BAD_USER_INPUT, like every id argument", async () => {
    for (const id of ["", "x".repeat(257)]) {
      const res = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, who.headers.admin);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["id"] });
    }
  });
});

describe("nodes(ids)", () => {
  it("keeps the order asked, with null in the place of each unknown id", async () => {
    const ids = [held[B]!.licenses[0]!, "no-such-customer", A, `Controller:${held[A]!.nodeIds[0]!}`, "sofar:no-such-license", B];
    const { nodes } = await admin(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes).toEqual([
      { __typename: "License", id: ids[0] },
      null,
      { __typename: "Customer", id: A },
      { __typename: "Controller", id: ids[3] },
      null,
      { __typename: "Customer", id: B },
    ]);
  });

  it("takes at most 100 ids: more is BAD_USER_INPUT", async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    const hundred = Array.from({ length: 100 }, (_, i) => `missing-${i}`);
    expect((await admin(query, { ids: hundred })).nodes).toHaveLength(100);
    const res = await t.gql(query, { ids: [...hundred, "one-more"] }, who.headers.admin);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(res.body.data ?? null).toBeNull();
  });

  it("reads 20 license ids at one source through the batched loaders: each account listed once, not once per id", async () => {
    const accounts = (await t.gateway.store.customers.accountsAtSource("sofar")).length;
    expect(accounts).toBeGreaterThan(0);
    const known = [...held[A]!.sofarLicenses, ...held[B]!.sofarLicenses];
    expect(known.length).toBeGreaterThan(0);
    // Unknown ids make the gateway search every account mapped to sofar: unbatched, that is 20 × accounts calls.
    const ids = [...known, ...Array.from({ length: 20 - known.length }, (_, i) => `sofar:missing-${i}`)];
    t.resetCalls();
    const { nodes } = await admin(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on License { id } } }`, { ids });
    expect(nodes.map((n: any) => n?.id ?? null)).toEqual([...known, ...ids.slice(known.length).map(() => null)]);
    expect(t.vendors.sofar.calls.count({ server: "api", path: /^\/v1\/license\/customer\// })).toBe(accounts);
  });
});

describe("authorization: the same as each type's own query", () => {
  it("shows a partner granted customer A nothing of customer B, exactly as for a missing id", async () => {
    const partner = who.headers.partnerA;
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
    const hidden = [B, held[B]!.licenses[0]!, `Controller:${held[B]!.nodeIds[0]!}`];
    const missing = ["no-such-customer", "sofar:no-such-license", "Controller:no-such-node"];
    const hiddenRes = await t.gql(query, { ids: hidden }, partner);
    const missingRes = await t.gql(query, { ids: missing }, partner);
    expect(hiddenRes.body).toEqual({ data: { nodes: [null, null, null] } });
    expect(hiddenRes.body).toEqual(missingRes.body);
    for (const id of hidden) expect(await ok(partner, `query($id: ID!) { node(id: $id) { id } }`, { id })).toEqual({ node: null });
    // What it is granted, it sees.
    const visible = [A, held[A]!.licenses[0]!, `Controller:${held[A]!.nodeIds[0]!}`];
    expect((await ok(partner, query, { ids: visible })).nodes.map((n: any) => n?.id)).toEqual(visible);
  });
});
