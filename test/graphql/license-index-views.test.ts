import { beforeAll, describe, expect, it } from "vitest";
import type { IndexedLicense } from "../../src/domain/license-events.js";
import { A, AUTH_ON, B, makePrincipals, type Principals } from "../auth/roles.js";
import { useTestGateway, type GraphQLResponse } from "../support/gateway.js";

/**
 * `licenses(filter:)` and `Customer.health` (issue 16) read the license index only: rows are written here as the
 * sync writes them (licenseIndex.replaceAccount), and no vendor is called to answer.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;
const day = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * day);

function row(source: string, externalId: string, customerId: string | null, over: Partial<IndexedLicense> = {}): IndexedLicense {
  return {
    source,
    externalId,
    account: `acc-${customerId ?? "none"}`,
    customerId,
    status: "ACTIVE",
    type: "solar",
    activatedAt: inDays(-100),
    expiresAt: inDays(200),
    nodeIds: [],
    ...over,
  };
}

const LIST = `query List($filter: LicenseIndexFilter, $first: Int, $after: String) {
  licenses(filter: $filter, first: $first, after: $after) {
    edges { cursor node { licenseId customerId status expiresAt nodeIds indexedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  const index = t.gateway.store.licenseIndex;
  const at = new Date();
  await index.replaceAccount(
    "sofar",
    `acc-${A}`,
    [
      row("sofar", "a-soon", A, { expiresAt: inDays(5), nodeIds: ["node-a1"] }),
      row("sofar", "a-later", A, { expiresAt: inDays(90) }),
      row("sofar", "a-blocked", A, { status: "BLOCKED", expiresAt: inDays(300) }),
    ],
    [],
    at,
  );
  await index.replaceAccount(
    "cryptolens",
    `acc-${B}`,
    [row("cryptolens", "b-one", B, { expiresAt: inDays(20), nodeIds: ["node-b1"] })],
    [],
    at,
  );
  await index.replaceAccount("cryptolens", "acc-none", [row("cryptolens", "orphan", null, { expiresAt: inDays(1) })], [], at);
});

describe("licenses(filter:) across customers, from the index", () => {
  it("gives an admin every license, soonest expiry first, each with when it was indexed, and calls no vendor", async () => {
    t.resetCalls();
    const res = await t.gql(LIST, {}, who.headers.admin);
    expect(res.body.errors).toBeUndefined();
    const nodes = res.body.data.licenses.edges.map((e: { node: { licenseId: string } }) => e.node);
    expect(nodes.map((n: { licenseId: string }) => n.licenseId)).toEqual([
      "cryptolens:orphan",
      "sofar:a-soon",
      "cryptolens:b-one",
      "sofar:a-later",
      "sofar:a-blocked",
    ]);
    expect(nodes[1]).toMatchObject({ customerId: A, status: "ACTIVE", nodeIds: ["node-a1"] });
    expect(Date.parse(nodes[1].indexedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(t.apiCalls()).toBe(0);
  });

  it("gives a partner only its granted customers' licenses (never an unmapped one), and nothing for a customer out of reach", async () => {
    const mine = await t.gql(LIST, {}, who.headers.partnerA);
    expect(mine.body.data.licenses.edges.map((e: { node: { licenseId: string } }) => e.node.licenseId)).toEqual([
      "sofar:a-soon",
      "sofar:a-later",
      "sofar:a-blocked",
    ]);
    const theirs = await t.gql(LIST, { filter: { customerId: B } }, who.headers.partnerA);
    expect(theirs.body.errors).toBeUndefined();
    expect(theirs.body.data.licenses.edges).toEqual([]);
    const customer = await t.gql(LIST, {}, who.headers.customerA);
    expect(customer.body.data.licenses.edges).toHaveLength(3);
  });

  it("filters by status, source, expiry and claims", async () => {
    const ids = async (filter: Record<string, unknown>) =>
      (await t.gql(LIST, { filter }, who.headers.admin)).body.data.licenses.edges.map(
        (e: { node: { licenseId: string } }) => e.node.licenseId,
      );
    expect(await ids({ status: ["BLOCKED"] })).toEqual(["sofar:a-blocked"]);
    expect(await ids({ sources: ["cryptolens"] })).toEqual(["cryptolens:orphan", "cryptolens:b-one"]);
    expect(await ids({ expiresBefore: inDays(30).toISOString(), unclaimed: false })).toEqual(["sofar:a-soon", "cryptolens:b-one"]);
    expect(await ids({ customerId: A, unclaimed: true })).toEqual(["sofar:a-later", "sofar:a-blocked"]);
  });

  it("pages forward with cursors, without a gap or a repeat", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: GraphQLResponse = await t.gql(LIST, { first: 2, after }, who.headers.admin);
      const conn: { edges: Array<{ node: { licenseId: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } =
        res.body.data.licenses;
      seen.push(...conn.edges.map((e: { node: { licenseId: string } }) => e.node.licenseId));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it("refuses a page size over 100 and a cursor that is not one, as BAD_USER_INPUT", async () => {
    const big = await t.gql(LIST, { first: 101 }, who.headers.admin);
    expect(big.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const bad = await t.gql(LIST, { after: "not-a-cursor" }, who.headers.admin);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("Customer.health, from the index", () => {
  const HEALTH = `query Health($id: ID!) { customer(id: $id) { health(expiringWithinDays: 30) {
    expiringWithoutReplacement { licenseId }
    controllersWithoutActiveLicense
    claimConflicts { nodeId reason }
    sources { source lastSuccessAt lastErrorCode consecutiveFailures }
  } } }`;

  it("lists what needs attention and each of its sources' sync", async () => {
    await t.gateway.store.syncState.recordFailure("sofar", { at: new Date(), code: "UPSTREAM_TIMEOUT" });
    const res = await t.gql(HEALTH, { id: A }, who.headers.admin);
    expect(res.body.errors).toBeUndefined();
    const health = res.body.data.customer.health;
    expect(health.expiringWithoutReplacement).toEqual([{ licenseId: "sofar:a-soon" }]);
    expect(health.claimConflicts).toEqual([]);
    const sofar = health.sources.find((s: { source: string }) => s.source === "sofar");
    expect(sofar).toMatchObject({ lastErrorCode: "UPSTREAM_TIMEOUT", consecutiveFailures: 1 });
  });

  it("is not answered for a customer the caller may not see (the customer itself is null)", async () => {
    const res = await t.gql(HEALTH, { id: B }, who.headers.partnerA);
    expect(res.body.data.customer).toBeNull();
  });
});

describe("Source.sync", () => {
  it("shows an admin each source's last sync, and nobody else", async () => {
    await t.gateway.store.syncState.recordSuccess("cryptolens", { at: new Date(), durationMs: 1234, accounts: 7, licenses: 42 });
    const QUERY = `{ sources { id sync { lastSuccessAt lastDurationMs accounts licenses consecutiveFailures } } }`;
    const admin = await t.gql(QUERY, {}, who.headers.admin);
    const crypto = admin.body.data.sources.find((s: { id: string }) => s.id === "cryptolens");
    expect(crypto.sync).toMatchObject({ lastDurationMs: 1234, accounts: 7, licenses: 42, consecutiveFailures: 0 });
    const never = admin.body.data.sources.find((s: { id: string }) => s.id === "local");
    expect(never.sync).toBeNull();
    const partner = await t.gql(QUERY, {}, who.headers.partnerA);
    expect(partner.body.data.sources.every((s: { sync: unknown }) => s.sync === null)).toBe(true);
  });
});
