import type { GraphQLObjectType } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { useTestGateway } from "../support/gateway.js";
import { A, AUTH_ON, B, makePrincipals, WHO, type Principals } from "../auth/roles.js";

/**
 * The cursor connections through the real server: `Customer.licensesConnection`, `Controller.licensesConnection`
 * and `Query.customers`. A walk through every page, forward or backward, must give exactly what the deprecated
 * `licenses` list gives (same ids, ordered by id in code-unit order), whoever asks. Vendor-answer caching is off, so
 * that call counts show what each request costs.
 */
const t = useTestGateway({ auth: AUTH_ON, cache: { enabled: false } });
let who: Principals;

interface Edge {
  cursor: string;
  node: { id: string };
}
interface Connection {
  totalCount: number;
  edges: Edge[];
  pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
}
type Owner = "customer" | "controller";
interface Paging {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  status?: string;
  source?: string;
}

const CONNECTION = `totalCount edges { cursor node { id } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor }`;
const ARGS = `first: $first, after: $after, last: $last, before: $before, status: $status, source: $source`;
const VARS = `$first: Int, $after: String, $last: Int, $before: String, $status: LicenseStatus, $source: ID`;
const PAGE: Record<Owner, string> = {
  customer: `query($id: ID!, ${VARS}) { owner: customer(id: $id) { licensesConnection(${ARGS}) { ${CONNECTION} } } }`,
  controller: `query($id: ID!, ${VARS}) { owner: controller(nodeId: $id) { licensesConnection(${ARGS}) { ${CONNECTION} } } }`,
};
const LIST: Record<Owner, string> = {
  customer: `query($id: ID!, $status: LicenseStatus, $source: ID) { owner: customer(id: $id) { licenses(status: $status, source: $source) { id } } }`,
  controller: `query($id: ID!, $status: LicenseStatus, $source: ID) { owner: controller(nodeId: $id) { licenses(status: $status, source: $source) { id } } }`,
};

async function ok(headers: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables, headers);
  expect(res.status).toBe(200);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data;
}
const admin = (query: string, variables?: Record<string, unknown>) => ok(who.headers.admin, query, variables);

/** Ids in plain UTF-16 code-unit order: what Array.prototype.sort does without a compare function. */
const sorted = (ids: string[]) => [...ids].sort();
const idsOf = (c: Connection) => c.edges.map((e) => e.node.id);

async function list(owner: Owner, id: string, filters: Paging = {}, headers = who.headers.admin): Promise<string[]> {
  return (await ok(headers, LIST[owner], { id, ...filters })).owner.licenses.map((l: { id: string }) => l.id);
}

async function page(owner: Owner, id: string, paging: Paging, headers = who.headers.admin): Promise<Connection> {
  return (await ok(headers, PAGE[owner], { id, ...paging })).owner.licensesConnection;
}

/**
 * Every page, following endCursor forward (`first`) or startCursor backward (`last`), checking each page's
 * PageInfo on the way; the ids come back in list order either way.
 */
async function walk(
  owner: Owner,
  id: string,
  paging: Paging,
  headers = who.headers.admin,
): Promise<{ ids: string[]; pages: Connection[] }> {
  const pages: Connection[] = [];
  const backward = paging.last !== undefined;
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const c: Connection = await page(owner, id, { ...paging, ...(backward ? { before: cursor } : { after: cursor }) }, headers);
    pages.push(c);
    expect(c.pageInfo.startCursor).toBe(c.edges[0]?.cursor ?? null);
    expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)?.cursor ?? null);
    // Exact on both sides: the side the walk came from has items once the walk has left its end.
    expect(backward ? c.pageInfo.hasNextPage : c.pageInfo.hasPreviousPage).toBe(cursor !== null);
    const more = backward ? c.pageInfo.hasPreviousPage : c.pageInfo.hasNextPage;
    if (!more) break;
    cursor = backward ? c.pageInfo.startCursor : c.pageInfo.endCursor;
  }
  const ordered = backward ? [...pages].reverse() : pages;
  return { ids: ordered.flatMap(idsOf), pages };
}

const cursorOf = (c: Connection, licenseId: string) => c.edges.find((e) => e.node.id === licenseId)?.cursor;

/** A controller of customer A's that has licenses at more than one source (the demo's "Verbeke hall A"). */
const NODE = "sofar-ctrl-001";

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
});

describe("Customer.licensesConnection", () => {
  it("pages forward through exactly the licenses `licenses` lists, ordered by id, without repeats or gaps", async () => {
    const all = await list("customer", A);
    expect(all.length).toBeGreaterThan(5);
    expect(new Set(all.map((id) => id.split(":")[0])).size).toBeGreaterThan(2);
    for (const size of [1, 3, all.length, 100]) {
      const { ids, pages } = await walk("customer", A, { first: size });
      expect(ids).toEqual(sorted(all));
      expect(pages).toHaveLength(Math.ceil(all.length / size));
      for (const p of pages) expect(p.totalCount).toBe(all.length);
      expect(pages[0]!.pageInfo.hasPreviousPage).toBe(false);
      expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
    }
  });

  it("pages backward with last/before through the same licenses in the same order", async () => {
    const all = sorted(await list("customer", A));
    const { ids, pages } = await walk("customer", A, { last: 4 });
    expect(ids).toEqual(all);
    expect(idsOf(pages[0]!)).toEqual(all.slice(-4));
    expect(pages[0]!.pageInfo.hasNextPage).toBe(false);
    expect(pages.at(-1)!.pageInfo.hasPreviousPage).toBe(false);
  });

  it("answers the window between two cursors from either end, with the Relay flags", async () => {
    const all = (await page("customer", A, { first: 100 })).edges;
    expect(all.length).toBeGreaterThan(6);
    const [after, before] = [all[1]!.cursor, all[6]!.cursor];
    const inner = all.slice(2, 6).map((e) => e.node.id);
    const fromStart = await page("customer", A, { first: 3, after, before });
    expect(idsOf(fromStart)).toEqual(inner.slice(0, 3));
    expect(fromStart.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const fromEnd = await page("customer", A, { last: 3, after, before });
    expect(idsOf(fromEnd)).toEqual(inner.slice(-3));
    expect(fromEnd.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    // The whole window in one page: nothing more in it, on either side.
    expect((await page("customer", A, { first: 10, after, before })).pageInfo.hasNextPage).toBe(false);
    expect((await page("customer", A, { last: 10, after, before })).pageInfo.hasPreviousPage).toBe(false);
    // Empty pages still say what lies beyond.
    expect(await page("customer", A, { first: 0 })).toMatchObject({
      edges: [],
      pageInfo: { hasPreviousPage: false, hasNextPage: true, startCursor: null, endCursor: null },
    });
    expect(await page("customer", A, { last: 0 })).toMatchObject({ edges: [], pageInfo: { hasPreviousPage: true, hasNextPage: false } });
    expect(await page("customer", A, { first: 5, after: all.at(-1)!.cursor })).toMatchObject({
      edges: [],
      pageInfo: { hasPreviousPage: true, hasNextPage: false },
    });
  });

  it("filters by status and source exactly as `licenses` does, and counts what the filters match", async () => {
    for (const filters of [{ status: "ACTIVE" }, { source: "sofar" }, { source: "cryptolens", status: "ACTIVE" }, { status: "BLOCKED" }]) {
      const expected = sorted(await list("customer", A, filters));
      const { ids, pages } = await walk("customer", A, { first: 2, ...filters });
      expect(ids, JSON.stringify(filters)).toEqual(expected);
      expect(pages[0]!.totalCount).toBe(expected.length);
    }
    expect((await list("customer", A, { status: "ACTIVE" })).length).toBeGreaterThan(0);
  });

  it("gives one license one cursor: across requests, page sizes, filters, and customer and controller connections", async () => {
    const byCustomer = await page("customer", A, { first: 100 });
    const byController = await page("controller", NODE, { first: 100 });
    expect(byController.edges.length).toBeGreaterThan(0);
    for (const edge of byController.edges) expect(cursorOf(byCustomer, edge.node.id)).toBe(edge.cursor);
    const again = await page("customer", A, { first: 100 });
    expect(again.edges).toEqual(byCustomer.edges);
    const sofar = await page("customer", A, { first: 1, source: "sofar" });
    expect(sofar.edges[0]!.cursor).toBe(cursorOf(byCustomer, sofar.edges[0]!.node.id));
  });

  it("keeps a cursor's place when a license is issued between two pages, and when its own license is gone", async () => {
    const first = await page("customer", A, { first: 3 });
    const last = first.edges.at(-1)!.node.id;
    const { issueLicense } = await admin(`mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { id } }`, {
      input: { customerId: A, type: "residential", durationMonths: 12 },
    });
    const now = sorted(await list("customer", A));
    expect(now).toContain(issueLicense.id);
    // The next page is what follows the cursor's license now, the new license included wherever it sorts.
    const next = await page("customer", A, { first: 3, after: first.pageInfo.endCursor });
    expect(idsOf(next)).toEqual(now.filter((id) => id > last).slice(0, 3));
    expect(next.totalCount).toBe(now.length);
    // The earlier cursors still name the same licenses.
    const everything = await page("customer", A, { first: 100 });
    for (const edge of first.edges) expect(cursorOf(everything, edge.node.id)).toBe(edge.cursor);
    expect(cursorOf(everything, issueLicense.id)).toBeDefined();
    // A cursor means "ids after this one": one whose license no longer exists still knows where it was.
    const gone = Buffer.from(JSON.stringify(["License", `${last}~gone`])).toString("base64url");
    expect(idsOf(await page("customer", A, { first: 3, after: gone }))).toEqual(now.filter((id) => id > `${last}~gone`).slice(0, 3));
  });

  it("pages with 20 by default, and takes up to 100", async () => {
    const { upsertCustomer } = await admin(`mutation { upsertCustomer(input: { name: "Zz paging test", accounts: [] }) { id } }`);
    const id = upsertCustomer.id as string;
    for (let i = 0; i < 23; i++)
      await admin(`mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { id } }`, { input: { customerId: id } });
    const byDefault = await page("customer", id, {});
    expect(byDefault.edges).toHaveLength(20);
    expect(byDefault).toMatchObject({ totalCount: 23, pageInfo: { hasPreviousPage: false, hasNextPage: true } });
    expect((await page("customer", id, { first: 100 })).edges).toHaveLength(23);
    expect((await page("customer", id, { last: 100 })).edges).toHaveLength(23);
    expect(idsOf(await page("customer", id, { last: 5 }))).toEqual(sorted(await list("customer", id)).slice(-5));
  });
});

describe("Controller.licensesConnection", () => {
  it("pages through exactly what the controller's `licenses` lists, both ways", async () => {
    const all = await list("controller", NODE);
    expect(all.length).toBeGreaterThan(1);
    expect((await walk("controller", NODE, { first: 1 })).ids).toEqual(sorted(all));
    expect((await walk("controller", NODE, { last: 1 })).ids).toEqual(sorted(all));
    expect((await page("controller", NODE, {})).totalCount).toBe(all.length);
    const bySource = await list("controller", NODE, { source: "sofar" });
    expect(idsOf(await page("controller", NODE, { source: "sofar" }))).toEqual(sorted(bySource));
  });

  it("answers each principal what its `licenses` list answers (same reads, same authorization)", async () => {
    for (const whom of WHO) {
      const headers = who.headers[whom];
      const res = await t.gql(`query($id: ID!) { controller(nodeId: $id) { licenses { id } } }`, { id: NODE }, headers);
      expect(res.body.errors).toBeUndefined();
      const expected =
        res.body.data.controller === null ? null : sorted(res.body.data.controller.licenses.map((l: { id: string }) => l.id));
      const connection = await t.gql(PAGE.controller, { id: NODE, first: 2 }, headers);
      expect(connection.body.errors).toBeUndefined();
      if (expected === null) {
        expect(connection.body.data.owner, whom).toBeNull();
        continue;
      }
      expect((await walk("controller", NODE, { first: 2 }, headers)).ids, whom).toEqual(expected);
    }
  });
});

describe("authorization", () => {
  it("shows each principal, for customers A and B, what `licenses` shows it", async () => {
    for (const whom of WHO) {
      for (const id of [A, B]) {
        const headers = who.headers[whom];
        const res = await t.gql(LIST.customer, { id }, headers);
        expect(res.body.errors).toBeUndefined();
        const connection = await t.gql(PAGE.customer, { id }, headers);
        expect(connection.body.errors).toBeUndefined();
        if (res.body.data.owner === null) {
          expect(connection.body.data.owner, `${whom} ${id}`).toBeNull();
          continue;
        }
        const expected = sorted(res.body.data.owner.licenses.map((l: { id: string }) => l.id));
        expect((await walk("customer", id, { first: 3 }, headers)).ids, `${whom} ${id}`).toEqual(expected);
      }
    }
  });
});

describe("bad paging arguments", () => {
  const notOurs = [
    ["after", "not a cursor!"],
    ["before", Buffer.from("{").toString("base64url")],
    // A customers cursor ([name, id]) is not a licenses cursor.
    ["after", Buffer.from(JSON.stringify(["Zonnepark Verbeke NV", "demo-customer-1"])).toString("base64url")],
    ["before", Buffer.from(JSON.stringify(["License", 7])).toString("base64url")],
  ] as const;

  it.each(notOurs)("refuses a %s cursor the gateway did not make (%j), naming it, before any vendor is called", async (arg, cursor) => {
    for (const owner of ["customer", "controller"] as const) {
      t.resetCalls();
      const res = await t.gql(PAGE[owner], { id: owner === "customer" ? A : NODE, [arg]: cursor }, who.headers.admin);
      expect(res.body.errors).toMatchObject([
        { path: ["owner", "licensesConnection"], extensions: { code: "BAD_USER_INPUT", field: [arg] } },
      ]);
      expect(res.body.data.owner).toBeNull();
      expect(t.apiCalls()).toBe(0);
    }
  });

  it.each([
    [{ first: -1 }, "first"],
    [{ first: 101 }, "first"],
    [{ last: -1 }, "last"],
    [{ last: 101 }, "last"],
    [{ first: 2, last: 2 }, "last"],
  ] as const)("refuses %j, naming %s, before any vendor is called", async (paging, field) => {
    for (const owner of ["customer", "controller"] as const) {
      t.resetCalls();
      const res = await t.gql(PAGE[owner], { id: owner === "customer" ? A : NODE, ...paging }, who.headers.admin);
      expect(res.body.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: [field] } }]);
      expect(t.apiCalls()).toBe(0);
    }
  });
});

describe("vendor calls", () => {
  it("costs each page what the `licenses` list costs: no call per license, per page or per field", async () => {
    for (const [owner, id] of [
      ["customer", A],
      ["controller", NODE],
    ] as const) {
      await list(owner, id); // tokens and anything else a first request does, out of the way
      t.resetCalls();
      await list(owner, id);
      const perList = t.apiCalls();
      expect(perList).toBeGreaterThan(0);
      let cursor: string | null = null;
      for (let i = 0; i < 3; i++) {
        t.resetCalls();
        const c = await page(owner, id, { first: 1, after: cursor });
        expect(t.apiCalls(), `${owner} page ${i + 1}`).toBe(perList);
        cursor = c.pageInfo.endCursor;
      }
      // Both fields in one request share the request's loaders: still one list's worth.
      t.resetCalls();
      const both = owner === "customer" ? `customer(id: $id)` : `controller(nodeId: $id)`;
      await admin(`query($id: ID!) { ${both} { licenses { id } licensesConnection(first: 2) { totalCount edges { node { id key } } } } }`, {
        id,
      });
      expect(t.apiCalls(), `${owner}: licenses and licensesConnection together`).toBe(perList);
    }
  });
});

describe("partial failures", () => {
  it("lists the other sources' licenses and adds the failing source's error", async () => {
    const all = await list("customer", A);
    const others = sorted(all.filter((id) => !id.startsWith("sofar:")));
    expect(others.length).toBeLessThan(all.length);
    t.vendors.sofar.fault({ server: "api", kind: "status", status: 503 });
    try {
      const res = await t.gql(PAGE.customer, { id: A, first: 100 }, who.headers.admin);
      expect(res.body.errors).toMatchObject([
        { path: ["owner", "licensesConnection"], extensions: { code: "UPSTREAM_UNAVAILABLE", source: "sofar" } },
      ]);
      const connection = res.body.data.owner.licensesConnection as Connection;
      expect(idsOf(connection)).toEqual(others);
      expect(connection.totalCount).toBe(others.length);
    } finally {
      t.resetCalls();
    }
  });
});

describe("Query.customers", () => {
  const CUSTOMERS = `query($first: Int, $after: String, $last: Int, $before: String) {
    customers(first: $first, after: $after, last: $last, before: $before) {
      count totalCount edges { cursor node { id } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
    }
  }`;
  const customers = async (paging: Paging, headers = who.headers.admin) => (await ok(headers, CUSTOMERS, { ...paging })).customers;

  it("pages both ways through the same customers, with exact flags and the total", async () => {
    const all = await customers({ first: 100 });
    const ids = all.edges.map((e: Edge) => e.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(all.totalCount).toBe(ids.length);
    const forward: string[] = [];
    let after: string | null = null;
    do {
      const c = await customers({ first: 1, after });
      expect(c).toMatchObject({
        count: 1,
        totalCount: ids.length,
        pageInfo: { hasPreviousPage: after !== null, startCursor: c.edges[0].cursor },
      });
      forward.push(c.edges[0].node.id);
      after = c.pageInfo.hasNextPage ? c.pageInfo.endCursor : null;
    } while (after !== null);
    expect(forward).toEqual(ids);
    const backward: string[] = [];
    let before: string | null = null;
    do {
      const c = await customers({ last: 2, before });
      expect(c.pageInfo.hasNextPage).toBe(before !== null);
      backward.unshift(...c.edges.map((e: Edge) => e.node.id));
      before = c.pageInfo.hasPreviousPage ? c.pageInfo.startCursor : null;
    } while (before !== null);
    expect(backward).toEqual(ids);
  });

  it("counts only the customers the principal may see", async () => {
    expect(await customers({}, who.headers.partnerA)).toMatchObject({ totalCount: 1, count: 1, edges: [{ node: { id: A } }] });
    expect((await customers({ first: 0 }, who.headers.partnerB)).totalCount).toBe(1);
  });

  it("refuses first with last, and a bad before cursor, naming the argument", async () => {
    for (const [paging, field] of [
      [{ first: 1, last: 1 }, "last"],
      [{ last: 101 }, "last"],
      [{ before: "not a cursor!" }, "before"],
      [{ after: Buffer.from("[1,2]").toString("base64url") }, "after"],
    ] as const) {
      const res = await t.gql(CUSTOMERS, paging, who.headers.admin);
      expect(res.body.errors, JSON.stringify(paging)).toMatchObject([
        { path: ["customers"], extensions: { code: "BAD_USER_INPUT", field: [field] } },
      ]);
    }
  });
});

describe("the schema", () => {
  it("keeps `licenses` on Customer and Controller, deprecated in favour of licensesConnection", async () => {
    const schema = await buildGatewaySchema();
    for (const type of ["Customer", "Controller"]) {
      const fields = (schema.getType(type) as GraphQLObjectType).getFields();
      expect(fields.licenses!.deprecationReason, type).toContain("licensesConnection");
      expect(fields.licensesConnection!.deprecationReason, type).toBeUndefined();
      expect(fields.licensesConnection!.args.map((a) => a.name).sort()).toEqual(["after", "before", "first", "last", "source", "status"]);
    }
  });
});
