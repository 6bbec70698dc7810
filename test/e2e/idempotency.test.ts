import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();

const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { id nodeId } license { key } errors { code field } } }`;
const ISSUE = `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { id key } }`;
const claimCalls = () => t.vendors.sofar.calls.count({ method: "POST", path: "/v1/license/claim" });

describe("mutations with an idempotency key", () => {
  it("a repeated claim returns the first result without a second vendor call", async () => {
    const sofar = t.vendors.sofar.data.examples;
    const input = {
      source: "sofar",
      key: sofar.activeUnclaimedKey,
      nodeId: sofar.controllerWithoutLicensesNodeId,
      idempotencyKey: "claim-0001",
    };
    t.resetCalls();
    const first = await t.gql(CLAIM, { input });
    const second = await t.gql(CLAIM, { input });
    expect(first.body.data.claimLicense.errors).toEqual([]);
    expect(second.body).toEqual(first.body);
    expect(claimCalls()).toBe(1);
    // Without the key, the same claim reaches the vendor again (and is refused: it is claimed now).
    const again = await t.gql(CLAIM, { input: { ...input, idempotencyKey: null } });
    expect(again.body.data.claimLicense.errors[0].code).toBe("LICENSE_ALREADY_CLAIMED");
    expect(claimCalls()).toBe(2);
  });

  it("concurrent repeats run the mutation once and all get its result", async () => {
    const input = { customerId: "demo-customer-1", durationMonths: 6, idempotencyKey: "issue-concurrent-1" };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(ISSUE, { input })));
    const ids = new Set(results.map((r) => r.body.data?.issueLicense?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^local:/);
    expect(
      (await t.gateway.store.audit.recent(100)).filter(
        (a) => a.operation === "issueLicense" && a.outcome === "ok" && (a.input as any).idempotencyKey === "issue-concurrent-1",
      ),
    ).toHaveLength(1);
  });

  it("refuses the same key with another input as CONFLICT", async () => {
    await t.gql(ISSUE, { input: { customerId: "demo-customer-2", idempotencyKey: "issue-conflict" } });
    const other = await t.gql(ISSUE, { input: { customerId: "demo-customer-3", idempotencyKey: "issue-conflict" } });
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: ["input", "idempotencyKey"] });
  });

  it("stores domain refusals too: a repeat of a refused claim is refused the same way without a vendor call", async () => {
    const sofar = t.vendors.sofar.data.examples;
    const input = { source: "sofar", key: sofar.activeClaimedKey, nodeId: "sofar-ctrl-004", idempotencyKey: "claim-refused" };
    t.resetCalls();
    const first = await t.gql(CLAIM, { input });
    const second = await t.gql(CLAIM, { input });
    expect(first.body.data.claimLicense.errors[0].code).toBe("LICENSE_ALREADY_CLAIMED");
    expect(second.body).toEqual(first.body);
    expect(claimCalls()).toBe(1);
  });

  it("forgets a key after a day: the same key with any input runs the mutation again", async () => {
    const first = await t.gql(ISSUE, { input: { customerId: "demo-customer-2", idempotencyKey: "issue-expiring" } });
    const repeat = await t.gql(ISSUE, { input: { customerId: "demo-customer-2", idempotencyKey: "issue-expiring" } });
    expect(repeat.body.data.issueLicense.id).toBe(first.body.data.issueLicense.id);
    // Age the key past its retention; the periodic prune has not run, so the expired row is still there.
    await t.gateway.store.db.kysely
      .updateTable("idempotency_keys")
      .set({ created_at: new Date(Date.now() - 25 * 3_600_000) })
      .where("key", "=", "issue-expiring")
      .execute();
    const afterExpiry = await t.gql(ISSUE, { input: { customerId: "demo-customer-3", idempotencyKey: "issue-expiring" } });
    expect(afterExpiry.body.errors).toBeUndefined();
    expect(afterExpiry.body.data.issueLicense.id).not.toBe(first.body.data.issueLicense.id);
    const again = await t.gql(ISSUE, { input: { customerId: "demo-customer-3", idempotencyKey: "issue-expiring" } });
    expect(again.body.data.issueLicense.id).toBe(afterExpiry.body.data.issueLicense.id);
  });

  it("refuses a malformed key before anything runs", async () => {
    const res = await t.gql(ISSUE, { input: { idempotencyKey: "has spaces" } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "idempotencyKey"] });
  });
});
