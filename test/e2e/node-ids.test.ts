import { describe, expect, it } from "vitest";
import { DEMO_CUSTOMER_IDS } from "../../src/demo/seed.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * Every `id` in the schema is unique across types by its form (src/graphql/node/node-id.ts), because Relay keys
 * its store by `id` alone: a customer whose id equals a license's, a source's or any other object's would be
 * merged with it on the client, and `node(id)` would answer the other type. Through the real server on port 0.
 */
const t = useTestGateway({ cache: { enabled: false } });

const UPSERT = `mutation($id: ID, $name: String!) { upsertCustomer(input: { id: $id, name: $name }) { id name } }`;

async function ok(query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables);
  expect(res.body.errors).toBeUndefined();
  return res.body.data;
}

/** One license id per source that holds licenses, as the demo customer's list gives them. */
async function licenseIdPerSource(): Promise<Map<string, string>> {
  const { customer } = await ok(`{ customer(id: "${DEMO_CUSTOMER_IDS[0]}") { licenses { id source { id } } } }`);
  return new Map(customer.licenses.map((l: { id: string; source: { id: string } }) => [l.source.id, l.id]));
}

describe("upsertCustomer refuses a new id that another object has, or could have", () => {
  it("a license's id, a source's id (local included), a controller's id, any id with ':', an API key id's form: BAD_USER_INPUT on input.id, nothing stored", async () => {
    const licenses = await licenseIdPerSource();
    expect([...licenses.keys()].sort()).toEqual(["cryptolens", "flashstart", "local", "smartgridone", "sofar"]);
    const { sources } = await ok(`{ sources { id } }`);
    const colliding = [
      ...licenses.values(),
      ...sources.map((s: { id: string }) => s.id),
      `Controller:${t.vendors.sofar.data.examples.controllerWithLicensesNodeId}`,
      "sofar:not-yet-a-license",
      "crm:42",
      "0123456789abcdef",
    ];
    expect(colliding).toContain("local");
    for (const id of colliding) {
      const res = await t.gql(UPSERT, { id, name: "Collides" });
      expect(res.body.errors?.[0]?.extensions, id).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "id"] });
      expect(res.body.data ?? null, id).toBeNull();
      expect(await ok(`query($id: ID!) { customer(id: $id) { id } }`, { id }), id).toEqual({ customer: null });
    }
    // What the object with that id is stays what node(id) answers.
    for (const [source, id] of licenses) {
      expect((await ok(`query($id: ID!) { node(id: $id) { __typename id } }`, { id })).node, source).toEqual({ __typename: "License", id });
    }
  });

  it("still creates customers with generated ids and with ids of the allowed form", async () => {
    const generated = (await ok(UPSERT, { name: "Generated" })).upsertCustomer;
    expect(generated.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await ok(UPSERT, { id: "acme-42", name: "Acme" })).upsertCustomer).toEqual({ id: "acme-42", name: "Acme" });
    for (const id of [generated.id, "acme-42"]) {
      expect((await ok(`query($id: ID!) { node(id: $id) { __typename id } }`, { id })).node).toEqual({ __typename: "Customer", id });
    }
  });
});

describe("node(id) answers the right type for every id", () => {
  it("licenses at every source, controllers and customers: the __typename each one's own query has, and no id shared by two objects", async () => {
    const licenses = [...(await licenseIdPerSource()).values()];
    const nodeId = t.vendors.sofar.data.examples.controllerWithLicensesNodeId;
    const ids = [...licenses, `Controller:${nodeId}`, ...DEMO_CUSTOMER_IDS];
    const { nodes } = await ok(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes).toEqual([
      ...licenses.map((id) => ({ __typename: "License", id })),
      { __typename: "Controller", id: `Controller:${nodeId}` },
      ...DEMO_CUSTOMER_IDS.map((id) => ({ __typename: "Customer", id })),
    ]);
    // Everything the demo shows with an id, as a Relay store would key it: one object per id.
    const everything = await ok(`{
      sources { __typename id }
      customers(first: 100) { edges { node { __typename id
        controllers { __typename id }
        licenses { __typename id datalinks { __typename id } }
      } } }
    }`);
    const typeOf = new Map<string, string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (value === null || typeof value !== "object") return;
      const { __typename, id } = value as { __typename?: string; id?: string };
      if (typeof id === "string") {
        expect(typeOf.get(id) ?? __typename, `id ${id}`).toBe(__typename);
        typeOf.set(id, __typename!);
      }
      Object.values(value).forEach(walk);
    };
    walk(everything);
    expect(new Set(typeOf.values())).toEqual(new Set(["Source", "Customer", "Controller", "License", "Datalink"]));
  });
});

describe("a customer stored before the rule, with ':' in its id", () => {
  it("keeps working: customer(id) reads it, node(id) reads it as a Customer unless its id has a License or Controller form, and it can still be updated", async () => {
    // Written as an older gateway would have (the rule is checked on creation only).
    await t.gateway.store.db.query(
      `insert into customers (id, name) values ('crm:42', 'Old CRM id'), ('sofar:legacy', 'Old license-shaped id')`,
    );
    expect(await ok(`{ a: customer(id: "crm:42") { id name } b: customer(id: "sofar:legacy") { id name } }`)).toEqual({
      a: { id: "crm:42", name: "Old CRM id" },
      b: { id: "sofar:legacy", name: "Old license-shaped id" },
    });
    // "crm" is no source, so the id has no other form; "sofar:legacy" is a license id's form (and no such license exists).
    expect(await ok(`{ a: node(id: "crm:42") { __typename id } b: node(id: "sofar:legacy") { __typename id } }`)).toEqual({
      a: { __typename: "Customer", id: "crm:42" },
      b: null,
    });
    expect((await ok(UPSERT, { id: "crm:42", name: "Renamed" })).upsertCustomer).toEqual({ id: "crm:42", name: "Renamed" });
  });
});

describe("polymorphic selections", () => {
  it("nodes selecting name on both Customer and Controller validates and answers each one's name", async () => {
    const nodeId = t.vendors.sofar.data.examples.controllerWithLicensesNodeId;
    const { controller, customer } = await ok(`query($n: ID!, $c: ID!) { controller(nodeId: $n) { name } customer(id: $c) { name } }`, {
      n: nodeId,
      c: DEMO_CUSTOMER_IDS[0],
    });
    expect(controller.name).toEqual(expect.any(String));
    const { nodes } = await ok(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Customer { name createdAt } ... on Controller { name } ... on License { createdAt } } }`,
      { ids: [DEMO_CUSTOMER_IDS[0], `Controller:${nodeId}`] },
    );
    expect(nodes).toEqual([
      { __typename: "Customer", id: DEMO_CUSTOMER_IDS[0], name: customer.name, createdAt: expect.any(String) },
      { __typename: "Controller", id: `Controller:${nodeId}`, name: controller.name },
    ]);
  });
});
