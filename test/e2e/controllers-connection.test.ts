import { beforeAll, describe, expect, it } from "vitest";
import { A, AUTH_ON, B, makePrincipals, type Principals } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * `Customer.controllersConnection` through the real server: every page, forward or backward, gives exactly what
 * the `controllers` list gives, ordered by node id; cursors are the controller's own and refused elsewhere.
 */
const t = useTestGateway({ auth: AUTH_ON, cache: { enabled: false } });
let who: Principals;
let all: string[];

const PAGE = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  customer(id: $id) { controllersConnection(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { nodeId } } pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  } }
}`;

async function page(variables: Record<string, unknown>, headers = who.headers.admin) {
  const res = await t.gql(PAGE, { id: A, ...variables }, headers);
  expect(res.body.errors).toBeUndefined();
  return res.body.data.customer.controllersConnection;
}

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  // A fleet large enough for several pages: seven more controllers for customer A.
  for (let i = 1; i <= 7; i++) {
    const res = await t.gql(
      `mutation($n: ID!, $c: ID!) { upsertController(input: { nodeId: $n, customerId: $c }) { nodeId } }`,
      { n: `fleet-${i}`, c: A },
      who.headers.admin,
    );
    expect(res.body.errors).toBeUndefined();
  }
  const list = await t.gql(`query($id: ID!) { customer(id: $id) { controllers { nodeId } } }`, { id: A }, who.headers.admin);
  all = list.body.data.customer.controllers.map((c: { nodeId: string }) => c.nodeId);
  expect(all.length).toBeGreaterThanOrEqual(8);
});

describe("Customer.controllersConnection", () => {
  it("pages forward and backward through exactly the controllers list, ordered by node id", async () => {
    const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const forward: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page({ first: 3, after });
      expect(p.totalCount).toBe(all.length);
      forward.push(...p.edges.map((e: { node: { nodeId: string } }) => e.node.nodeId));
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(forward).toEqual(sorted);
    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const p = await page({ last: 3, before });
      backward.unshift(...p.edges.map((e: { node: { nodeId: string } }) => e.node.nodeId));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(backward).toEqual(sorted);
  });

  it("keeps a cursor's place when a controller is registered before it", async () => {
    const first = await page({ first: 2 });
    await t.gql(
      `mutation { upsertController(input: { nodeId: "aaa-new-first", customerId: "${A}" }) { nodeId } }`,
      undefined,
      who.headers.admin,
    );
    const next = await page({ first: 2, after: first.pageInfo.endCursor });
    const sorted = [...all, "aaa-new-first"].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const at = sorted.indexOf(first.edges[1].node.nodeId);
    expect(next.edges.map((e: { node: { nodeId: string } }) => e.node.nodeId)).toEqual(sorted.slice(at + 1, at + 3));
  });

  it("refuses another connection's cursor and bad sizes, naming the argument, and shows nothing of a customer one may not see", async () => {
    const licenses = await t.gql(
      `query($id: ID!) { customer(id: $id) { licensesConnection(first: 1) { pageInfo { endCursor } } } }`,
      { id: A },
      who.headers.admin,
    );
    const foreign = licenses.body.data.customer.licensesConnection.pageInfo.endCursor;
    const refused = await t.gql(PAGE, { id: A, after: foreign }, who.headers.admin);
    expect(refused.body.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([["BAD_USER_INPUT", ["after"]]]);
    const tooMany = await t.gql(PAGE, { id: A, first: 101 }, who.headers.admin);
    expect(tooMany.body.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    const hidden = await t.gql(PAGE, { id: A }, who.headers.partnerB);
    expect(hidden.body.data.customer).toBeNull();
    const own = await t.gql(PAGE, { id: B }, who.headers.partnerB);
    expect(own.body.data.customer.controllersConnection.totalCount).toBeGreaterThan(0);
  });
});
