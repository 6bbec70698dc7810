import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { A, AUTH_ON, B, C, makePrincipals, WHO, type Principals, type Who } from "./roles.js";

/**
 * Every query path × every role, with the exact answer. What a role may not see answers exactly as if it did not
 * exist: null for one object, absent from a list, no error. Nested reach is covered row by row: an object reached
 * through another (a license's datalink's controller) is checked where it is read, not only at the root.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;
/** Local license ids, by key (uuids made at issue). */
const localId: Record<string, string> = {};

const ADMIN_ONLY = { customerA: null, partnerA: null, partnerB: null } as const;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  const admin = (query: string, variables?: Record<string, unknown>) => asOk("admin", query, variables);
  // B's licenses running on A's controller sofar-ctrl-001: one local (the gateway's claim), one at Eniris (the
  // vendor's link, read back through the controller without any customer).
  await admin(`mutation { issueLicense(input: { key: "AUTHZ-B-ON-A", customerId: "${B}" }) { id } }`);
  const localClaim = await admin(
    `mutation { claimLicense(input: { source: "local", key: "AUTHZ-B-ON-A", nodeId: "sofar-ctrl-001" }) { errors { code } } }`,
  );
  expect(localClaim.claimLicense.errors).toEqual([]);
  const vendorClaim = await admin(
    `mutation { claimLicense(input: { source: "sofar", key: "SOFAR-RES-0003", nodeId: "sofar-ctrl-001" }) { errors { code } } }`,
  );
  expect(vendorClaim.claimLicense.errors).toEqual([]);
  // A license the gateway cannot place with any customer.
  await admin(`mutation { issueLicense(input: { key: "AUTHZ-NOBODY" }) { id } }`);
  for (const row of await t.gateway.store.licenses.byKeys(["LOC-DEMO-0001", "LOC-DEMO-0002", "AUTHZ-B-ON-A", "AUTHZ-NOBODY"]))
    localId[row.key] = `local:${row.id}`;
});

async function as(role: Who, query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables, who.headers[role]);
  expect(res.status).toBe(200);
  return res.body;
}

async function asOk(role: Who, query: string, variables?: Record<string, unknown>) {
  const body = await as(role, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data;
}

const keysOf = (licenses: Array<{ key: string }>) => licenses.map((l) => l.key).sort();

interface Row {
  path: string;
  query: string;
  variables?: () => Record<string, unknown>;
  /** Per role: the exact `data`, or a check of it. */
  expected: Record<Who, unknown | ((data: any) => void)>;
}

const customerA = { id: A, name: "Zonnepark Verbeke NV" };
const customerB = { id: B, name: "Familie Janssens" };
const verbekeHallA = { nodeId: "sofar-ctrl-001", name: "Verbeke hall A", customer: { id: A } };

const ROWS: Row[] = [
  {
    path: "Query.customer (customer A)",
    query: `query($id: ID!) { customer(id: $id) { id name } }`,
    variables: () => ({ id: A }),
    expected: {
      customerA: { customer: customerA },
      partnerA: { customer: customerA },
      partnerB: { customer: null },
      admin: { customer: customerA },
    },
  },
  {
    path: "Query.customer (customer B)",
    query: `query($id: ID!) { customer(id: $id) { id name } }`,
    variables: () => ({ id: B }),
    expected: {
      customerA: { customer: null },
      partnerA: { customer: null },
      partnerB: { customer: customerB },
      admin: { customer: customerB },
    },
  },
  {
    path: "Query.customer (no such customer: the same null)",
    query: `query { customer(id: "no-such-customer") { id } }`,
    expected: { customerA: { customer: null }, partnerA: { customer: null }, partnerB: { customer: null }, admin: { customer: null } },
  },
  {
    path: "Query.customers (filtered before paging)",
    query: `{ customers(first: 2) { count edges { node { id } } pageInfo { hasNextPage } } }`,
    expected: {
      customerA: { customers: { count: 1, edges: [{ node: { id: A } }], pageInfo: { hasNextPage: false } } },
      partnerA: { customers: { count: 1, edges: [{ node: { id: A } }], pageInfo: { hasNextPage: false } } },
      partnerB: { customers: { count: 1, edges: [{ node: { id: B } }], pageInfo: { hasNextPage: false } } },
      // Ordered by name: Bakkerij De Smet (C), Familie Janssens (B), then Zonnepark Verbeke (A) on the next page.
      admin: { customers: { count: 2, edges: [{ node: { id: C } }, { node: { id: B } }], pageInfo: { hasNextPage: true } } },
    },
  },
  {
    path: "Query.controller (registered to A)",
    query: `{ controller(nodeId: "sofar-ctrl-001") { nodeId name customer { id } } }`,
    expected: {
      customerA: { controller: verbekeHallA },
      partnerA: { controller: verbekeHallA },
      partnerB: { controller: null },
      admin: { controller: verbekeHallA },
    },
  },
  {
    path: "Query.controller (registered to nobody: admins only)",
    query: `{ controller(nodeId: "sofar-ctrl-004") { nodeId name customer { id } } }`,
    expected: {
      ...ADMIN_ONLY_DATA("controller"),
      admin: { controller: { nodeId: "sofar-ctrl-004", name: "Spare controller (stock)", customer: null } },
    },
  },
  {
    path: "Query.license (A's local license)",
    query: `query($id: ID!) { license(id: $id) { key customer { id } } }`,
    variables: () => ({ id: localId["LOC-DEMO-0001"] }),
    expected: seenByA({ license: { key: "LOC-DEMO-0001", customer: { id: A } } }, { license: null }),
  },
  {
    path: "Query.license (placed with no customer: admins only)",
    query: `query($id: ID!) { license(id: $id) { key customer { id } } }`,
    variables: () => ({ id: localId["AUTHZ-NOBODY"] }),
    expected: { ...ADMIN_ONLY_DATA("license"), admin: { license: { key: "AUTHZ-NOBODY", customer: null } } },
  },
  {
    path: "Query.licenseByKey (A's, at Eniris: found by scanning mapped accounts)",
    query: `{ licenseByKey(source: "sofar", key: "SOFAR-COM-0001") { key status customer { id } } }`,
    expected: seenByA({ licenseByKey: { key: "SOFAR-COM-0001", status: "ACTIVE", customer: { id: A } } }, { licenseByKey: null }),
  },
  {
    path: "Query.licenseByKey (A's, at Cryptolens: the vendor's own lookup)",
    query: `{ licenseByKey(source: "cryptolens", key: "KXQMB-TRWAF-LZPNE-HDVGC") { key customer { id } } }`,
    expected: seenByA({ licenseByKey: { key: "KXQMB-TRWAF-LZPNE-HDVGC", customer: { id: A } } }, { licenseByKey: null }),
  },
  {
    path: "Query.licenseByKey (B's, at Customerarea)",
    query: `{ licenseByKey(source: "flashstart", key: "1007") { key customer { id } } }`,
    expected: {
      customerA: { licenseByKey: null },
      partnerA: { licenseByKey: null },
      partnerB: { licenseByKey: { key: "1007", customer: { id: B } } },
      admin: { licenseByKey: { key: "1007", customer: { id: B } } },
    },
  },
  {
    path: "Customer.accounts, licenses, controllers, profile, availableLicenses (customer A)",
    query: `query($id: ID!) { customer(id: $id) {
      accounts { source { id } externalId } controllers { nodeId } licenses { key } profile { name } availableLicenses(source: "flashstart") { code }
    } }`,
    variables: () => ({ id: A }),
    expected: {
      customerA: (data: any) => expect(data).toEqual(adminView.customerA),
      partnerA: (data: any) => expect(data).toEqual(adminView.customerA),
      partnerB: { customer: null },
      admin: (data: any) => {
        adminView.customerA = data;
        const c = data.customer;
        expect(c.accounts.map((a: any) => a.source.id).sort()).toEqual(["cryptolens", "esmart", "flashstart", "smartgridone", "sofar"]);
        expect(c.controllers).toEqual([{ nodeId: "sgo-ctrl-001" }, { nodeId: "sofar-ctrl-001" }, { nodeId: "sofar-ctrl-002" }]);
        expect(keysOf(c.licenses)).toContain("LOC-DEMO-0001");
        expect(keysOf(c.licenses)).not.toContain("AUTHZ-B-ON-A");
        expect(c.profile).not.toBeNull();
        expect(c.availableLicenses.length).toBeGreaterThan(0);
      },
    },
  },
  {
    path: "Controller.licenses, datalinks → license (A's controller also runs two of B's licenses)",
    query: `{ controller(nodeId: "sofar-ctrl-001") { licenses { key } datalinks { license { key customer { id } } } } }`,
    expected: {
      customerA: (data: any) => expect(keysAt(data)).toEqual({ licenses: A_ON_CTRL_1, linked: A_ON_CTRL_1 }),
      partnerA: (data: any) => expect(keysAt(data)).toEqual({ licenses: A_ON_CTRL_1, linked: A_ON_CTRL_1 }),
      partnerB: { controller: null },
      admin: (data: any) => {
        const all = [...A_ON_CTRL_1, "AUTHZ-B-ON-A", "SOFAR-RES-0003"].sort();
        expect(keysAt(data)).toEqual({ licenses: all, linked: all });
      },
    },
  },
  {
    path: "Customer.controllers → licenses (partner A through its customer: still none of B's)",
    query: `query($id: ID!) { customer(id: $id) { controllers { nodeId licenses { key } } } }`,
    variables: () => ({ id: A }),
    expected: {
      customerA: (data: any) => expect(keysOn(data, "sofar-ctrl-001")).toEqual(A_ON_CTRL_1),
      partnerA: (data: any) => expect(keysOn(data, "sofar-ctrl-001")).toEqual(A_ON_CTRL_1),
      partnerB: { customer: null },
      admin: (data: any) => expect(keysOn(data, "sofar-ctrl-001")).toEqual([...A_ON_CTRL_1, "AUTHZ-B-ON-A", "SOFAR-RES-0003"].sort()),
    },
  },
  {
    path: "License.datalinks → controller (B's local license on A's controller)",
    query: `{ licenseByKey(source: "local", key: "AUTHZ-B-ON-A") { key customer { id } datalinks { nodeId controller { nodeId customer { id } } } } }`,
    expected: {
      customerA: { licenseByKey: null },
      partnerA: { licenseByKey: null },
      // B sees its own license and where it runs, but not A's controller behind the link.
      partnerB: { licenseByKey: { key: "AUTHZ-B-ON-A", customer: { id: B }, datalinks: [{ nodeId: "sofar-ctrl-001", controller: null }] } },
      admin: {
        licenseByKey: {
          key: "AUTHZ-B-ON-A",
          customer: { id: B },
          datalinks: [{ nodeId: "sofar-ctrl-001", controller: { nodeId: "sofar-ctrl-001", customer: { id: A } } }],
        },
      },
    },
  },
  {
    path: "Customer.licenses → datalinks → controller → licenses (B's Eniris license, through A's controller, back to A's licenses)",
    query: `query($id: ID!) { customer(id: $id) { licenses(source: "sofar") { key datalinks { controller { nodeId licenses { key } } } } } }`,
    variables: () => ({ id: B }),
    expected: {
      customerA: { customer: null },
      partnerA: { customer: null },
      partnerB: (data: any) => expect(linkOf(data, "SOFAR-RES-0003")).toEqual([{ controller: null }]),
      admin: (data: any) => {
        const [link] = linkOf(data, "SOFAR-RES-0003");
        expect(link.controller.nodeId).toBe("sofar-ctrl-001");
        expect(keysOf(link.controller.licenses)).toContain("SOFAR-COM-0001");
      },
    },
  },
  {
    path: "Datalink.license (A's controller's links: only A's licenses)",
    query: `{ controller(nodeId: "sofar-ctrl-001") { datalinks { nodeId license { key } } } }`,
    expected: {
      customerA: (data: any) => expect(data.controller.datalinks.map((d: any) => d.license.key).sort()).toEqual(A_ON_CTRL_1),
      partnerA: (data: any) => expect(data.controller.datalinks.map((d: any) => d.license.key).sort()).toEqual(A_ON_CTRL_1),
      partnerB: { controller: null },
      admin: (data: any) => expect(data.controller.datalinks).toHaveLength(A_ON_CTRL_1.length + 2),
    },
  },
  {
    path: "Controller.hardware (A's controller)",
    query: `{ controller(nodeId: "sofar-ctrl-001") { hardware { serialNumber } } }`,
    expected: seenByA({ controller: { hardware: { serialNumber: "SF-SGC-2401-0001" } } }, { controller: null }),
  },
  {
    path: "Query.sources (everyone: id, kind, state, circuit; operational detail for admins only)",
    query: `{ sources { id kind state circuit lastErrorCode lastSuccessAt } }`,
    expected: {
      customerA: (data: any) => expect(data.sources).toEqual(publicSources()),
      partnerA: (data: any) => expect(data.sources).toEqual(publicSources()),
      partnerB: (data: any) => expect(data.sources).toEqual(publicSources()),
      admin: (data: any) => {
        adminView.sources = data.sources;
        expect(data.sources.find((s: any) => s.id === "sofar").lastSuccessAt).not.toBeNull();
      },
    },
  },
];

/** Keys of A's licenses linked to sofar-ctrl-001 (read as admin in the first row that needs them). */
const A_ON_CTRL_1 = ["KXQMB-TRWAF-LZPNE-HDVGC", "SOFAR-COM-0001"];
const adminView: { customerA?: unknown; sources?: Array<Record<string, unknown>> } = {};

function ADMIN_ONLY_DATA(field: string): Record<Exclude<Who, "admin">, unknown> {
  return Object.fromEntries(Object.keys(ADMIN_ONLY).map((w) => [w, { [field]: null }])) as Record<Exclude<Who, "admin">, unknown>;
}

/** Seen by customer A, partner A and the admin alike; partner B gets `hidden`. */
function seenByA(seen: unknown, hidden: unknown): Record<Who, unknown> {
  return { customerA: seen, partnerA: seen, partnerB: hidden, admin: seen };
}

function keysAt(data: any) {
  return { licenses: keysOf(data.controller.licenses), linked: data.controller.datalinks.map((d: any) => d.license.key).sort() };
}

function keysOn(data: any, nodeId: string) {
  return keysOf(data.customer.controllers.find((c: any) => c.nodeId === nodeId).licenses);
}

function linkOf(data: any, key: string) {
  return data.customer.licenses.find((l: any) => l.key === key).datalinks;
}

/** What a non-admin sees of the sources the admin saw: the public fields, the rest null. */
function publicSources() {
  return adminView.sources!.map((s) => ({
    id: s.id,
    kind: s.kind,
    state: expect.any(String),
    circuit: expect.any(String),
    lastErrorCode: null,
    lastSuccessAt: null,
  }));
}

describe("authorization: every query path × every role", () => {
  // Admin first in each row: some rows compare the others with what the admin saw.
  const ORDER: Who[] = ["admin", ...WHO.filter((w) => w !== "admin")];
  for (const row of ROWS) {
    it.each(ORDER)(`${row.path}: %s`, async (role) => {
      const data = await asOk(role, row.query, row.variables?.());
      const expected = row.expected[role];
      if (typeof expected === "function") expected(data);
      else expect(data).toEqual(expected);
    });
  }

  it("Query.apiKeys: admins get the keys; anyone else null and FORBIDDEN", async () => {
    const data = await asOk("admin", `{ apiKeys { id role name revokedAt } }`);
    expect(data.apiKeys.map((k: any) => k.name)).toEqual(expect.arrayContaining(["authz admin", "authz customer A", "authz partner A"]));
    for (const role of WHO.filter((w) => w !== "admin")) {
      const body = await as(role, `{ apiKeys { id } sources { id } }`);
      expect(body.data).toEqual({ apiKeys: null, sources: expect.any(Array) });
      expect(body.errors).toEqual([expect.objectContaining({ path: ["apiKeys"], extensions: { code: "FORBIDDEN" } })]);
    }
  });
});

describe("authentication at the door", () => {
  const DOCUMENTS: Array<{ query: string; variables?: () => Record<string, unknown> }> = [
    ...ROWS.map((r) => ({ query: r.query, variables: r.variables })),
    { query: `{ apiKeys { id } }` },
    { query: `mutation { upsertCustomer(input: { name: "x" }) { id } }` },
    { query: `mutation { activateLicense(input: { source: "local", key: "LOC-DEMO-0001" }) { errors { code } } }` },
    { query: `mutation { createApiKey(input: { name: "x", role: ADMIN }) { secret } }` },
  ];

  it("answers every query and mutation without credentials with HTTP 401, a Bearer challenge and only UNAUTHENTICATED", async () => {
    for (const doc of DOCUMENTS) {
      const res = await t.gql(doc.query, doc.variables?.());
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="license-gateway"');
      expect(res.body).toEqual({
        errors: [{ message: expect.stringMatching(/authentication required/), extensions: { code: "UNAUTHENTICATED" } }],
      });
    }
  });

  it("answers refused credentials with 401 and error=invalid_token", async () => {
    for (const authorization of ["Bearer lgw_nope", "Bearer not-a-jwt", `Bearer lgw_0123456789abcdef_${"x".repeat(43)}`]) {
      const res = await t.gql(`{ sources { id } }`, undefined, { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(
        /^Bearer realm="license-gateway", error="invalid_token", error_description="[^"]+"$/,
      );
      expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: "UNAUTHENTICATED" } })]);
      expect(res.body).not.toHaveProperty("data");
    }
  });
});

describe("GraphiQL with auth on", () => {
  it("prefills the headers editor with an Authorization template to complete, and no auth-off notice", async () => {
    const html = await (await fetch(t.gateway.url, { headers: { accept: "text/html" } })).text();
    // In the page's JSON config, `<` escaped (graphiql.ts); the browser test covers the auth-off side.
    expect(html).toContain('"headers":"{\\n  \\"authorization\\": \\"Bearer \\u003cyour API key>\\"\\n}"');
    expect(html).not.toContain('id="graphiql-auth-notice"');
  });
});
