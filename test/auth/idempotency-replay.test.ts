import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { A, AUTH_ON, makePrincipals, signJwt, type Principals } from "./roles.js";

/**
 * An idempotency replay skipped authorization: stored results were keyed by the principal's id alone (`jwt:<sub>`),
 * so a JWT with the same `sub` but another role got an admin mutation's result back, and a key whose grant was
 * revoked replayed for a day. Results are now kept per scope (id, role, grants), and a repeat is authorized like
 * a new request before any stored result is looked at: refused with the very answer a new request gets.
 */
const t = useTestGateway({ auth: AUTH_ON });
let who: Principals;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
  for (const key of ["REPLAY-GRANT", "REPLAY-SAME"]) await t.gateway.store.licenses.issue({ key, customerId: A, durationMonths: 12 });
});

const bearer = async (claims: Record<string, unknown>) => ({ authorization: `Bearer ${await signJwt(claims)}` });
const ISSUE = `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { id key } }`;
const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key status } errors { code field source message } } }`;
const GRANT = `mutation($input: GrantInput!) { revokeGrant(input: $input) { errors { code } } }`;
const issuedCount = async () =>
  (await t.gateway.store.audit.recent(1000)).filter((a) => a.operation === "issueLicense" && a.outcome === "ok").length;

describe("an idempotency replay is authorized like a new request", () => {
  it("same sub, another role: the admin mutation's stored result is not replayed; FORBIDDEN as for a new request", async () => {
    const input = { customerId: A, durationMonths: 6, idempotencyKey: "replay-role-1" };
    const admin = await t.gql(ISSUE, { input }, await bearer({ sub: "replay-sub", role: "admin" }));
    expect(admin.body.data.issueLicense.id).toMatch(/^local:/);
    const issued = await issuedCount();

    const partner = await bearer({ sub: "replay-sub", role: "partner", customers: [A] });
    const replay = await t.gql(ISSUE, { input }, partner);
    const fresh = await t.gql(ISSUE, { input: { ...input, idempotencyKey: null } }, partner);
    expect(replay.body).toEqual(fresh.body);
    expect(replay.body.data).toBeNull();
    expect(replay.body.errors).toEqual([expect.objectContaining({ path: ["issueLicense"], extensions: { code: "FORBIDDEN" } })]);
    expect(await issuedCount()).toBe(issued);
  });

  it("a revoked grant: the partner key's repeat is refused with the NOT_FOUND a new request gets", async () => {
    const input = { source: "local", key: "REPLAY-GRANT", idempotencyKey: "replay-grant-1" };
    const first = await t.gql(ACTIVATE, { input }, who.headers.partnerA);
    expect(first.body.data.activateLicense).toEqual({ license: { key: "REPLAY-GRANT", status: "ACTIVE" }, errors: [] });

    const partnerKeyId = who.ids.partnerA.replace(/^apikey:/, "");
    const revoked = await t.gql(GRANT, { input: { apiKeyId: partnerKeyId, customerId: A } }, who.headers.admin);
    expect(revoked.body.data.revokeGrant.errors).toEqual([]);

    const replay = await t.gql(ACTIVATE, { input }, who.headers.partnerA);
    const fresh = await t.gql(ACTIVATE, { input: { ...input, idempotencyKey: null } }, who.headers.partnerA);
    expect(replay.body).toEqual(fresh.body);
    expect(replay.body.data.activateLicense).toEqual({
      license: null,
      errors: [{ code: "NOT_FOUND", field: ["input", "key"], source: "local", message: "no license with key REPLAY-GRANT at local" }],
    });
  });

  it("same scope, but the object is no longer visible (its customer's account was unmapped): refused like a new request", async () => {
    const input = { source: "sofar", key: "SOFAR-COM-0002", idempotencyKey: "replay-unmapped-1" };
    const first = await t.gql(ACTIVATE, { input }, who.headers.customerA);
    expect(first.body.data.activateLicense).toEqual({ license: { key: "SOFAR-COM-0002", status: "ACTIVE" }, errors: [] });

    // The admin takes A's Eniris account off the federation map: the customer key's grants are unchanged.
    const accounts = (await t.gateway.store.customers.accountsOf([A]))
      .filter((a) => a.source !== "sofar")
      .map(({ source, externalId }) => ({ source, externalId }));
    const remap = await t.gql(
      `mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`,
      { input: { id: A, name: "Customer A", accounts } },
      who.headers.admin,
    );
    expect(remap.body.errors).toBeUndefined();

    t.resetCalls();
    const replay = await t.gql(ACTIVATE, { input }, who.headers.customerA);
    expect(replay.body.data.activateLicense).toEqual({
      license: null,
      errors: [{ code: "NOT_FOUND", field: ["input", "key"], source: "sofar", message: "no license with key SOFAR-COM-0002 at sofar" }],
    });
    expect(t.vendors.sofar.calls.count({ path: "/v1/license/activate" })).toBe(0);
  });

  it("same principal, same scope: the repeat still gets the first result without running again", async () => {
    const input = { source: "local", key: "REPLAY-SAME", idempotencyKey: "replay-same-1" };
    const first = await t.gql(ACTIVATE, { input }, who.headers.customerA);
    const second = await t.gql(ACTIVATE, { input }, who.headers.customerA);
    expect(first.body.data.activateLicense).toEqual({ license: { key: "REPLAY-SAME", status: "ACTIVE" }, errors: [] });
    expect(second.body).toEqual(first.body);
    const runs = (await t.gateway.store.audit.recent(1000)).filter(
      (a) => a.operation === "activateLicense" && (a.input as { idempotencyKey?: string }).idempotencyKey === "replay-same-1",
    );
    expect(runs.map((a) => a.outcome)).toEqual(["ok"]);

    const jwt = await bearer({ sub: "replay-same-sub", role: "admin" });
    const issueInput = { customerId: A, idempotencyKey: "replay-same-2" };
    const issued = await t.gql(ISSUE, { input: issueInput }, jwt);
    const again = await t.gql(ISSUE, { input: issueInput }, await bearer({ sub: "replay-same-sub", role: "admin" }));
    expect(again.body.data.issueLicense.id).toBe(issued.body.data.issueLicense.id);
  });

  it("a row stored before results were kept per scope (principal `jwt:<sub>`) is neither replayed nor a conflict", async () => {
    const jwt = await bearer({ sub: "replay-old-sub", role: "admin" });
    const input = { customerId: A, idempotencyKey: "replay-old-1" };
    const first = await t.gql(ISSUE, { input }, jwt);
    // What the previous release wrote: the same row under the principal's id alone.
    await t.gateway.store.db.query(`update idempotency_keys set principal = 'jwt:replay-old-sub' where key = 'replay-old-1'`);
    const after = await t.gql(ISSUE, { input }, jwt);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.issueLicense.id).not.toBe(first.body.data.issueLicense.id);
  });
});
