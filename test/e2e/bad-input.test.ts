import { beforeEach, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();
beforeEach(() => t.resetCalls());

const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key } errors { code field message } } }`;
const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { id } errors { code field message } } }`;

describe("bad input is refused before any upstream call", () => {
  it.each([
    ["a key over 50 characters", ACTIVATE, { source: "sofar", key: "K".repeat(51) }, ["input", "key"]],
    ["an empty key", ACTIVATE, { source: "sofar", key: "" }, ["input", "key"]],
    ["an unknown source", ACTIVATE, { source: "nope", key: "SOFAR-RES-0001" }, ["input", "source"]],
    ["a claim key over 50 characters", CLAIM, { source: "sofar", key: "K".repeat(51), nodeId: "sofar-ctrl-001" }, ["input", "key"]],
    ["an empty nodeId", CLAIM, { source: "sofar", key: "SOFAR-RES-0001", nodeId: "" }, ["input", "nodeId"]],
    ["a nodeId with control characters", CLAIM, { source: "sofar", key: "SOFAR-RES-0001", nodeId: "a\nb" }, ["input", "nodeId"]],
  ])("%s → BAD_USER_INPUT on the field", async (_, mutation, input, field) => {
    const res = await t.gql(mutation, { input });
    const payload = Object.values(res.body.data)[0] as any;
    expect(payload.errors).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT", field })]);
    expect(t.apiCalls()).toBe(0);
  });

  it("a malformed activation date is a BAD_USER_INPUT request error", async () => {
    const res = await t.gql(ACTIVATE, { input: { source: "sofar", key: "SOFAR-RES-0003", activationIso: "yesterday" } });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(t.apiCalls()).toBe(0);
  });

  it("a date without a zone is refused (ambiguous)", async () => {
    const res = await t.gql(ACTIVATE, { input: { source: "sofar", key: "SOFAR-RES-0003", activationIso: "2026-01-01T10:00:00" } });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(t.apiCalls()).toBe(0);
  });

  it("an unknown source filter on a list is a coded error", async () => {
    const res = await t.gql(`{ customer(id: "demo-customer-1") { licenses(source: "nope") { key } } }`);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["source"] });
    expect(t.apiCalls()).toBe(0);
  });

  it("an unknown source of 100 KB is refused without being repeated back (the whole argument was echoed)", async () => {
    const res = await t.gql(`query($source: ID) { customer(id: "demo-customer-1") { licenses(source: $source) { key } } }`, {
      source: "s".repeat(100_000),
    });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["source"] });
    expect(res.body.errors?.[0]?.message).toMatch(/^not a source id; known sources: /);
    expect(JSON.stringify(res.body).length).toBeLessThan(1_000);
  });

  it("a malformed license id is a coded error", async () => {
    const res = await t.gql(`{ license(id: "no-colon") { key } }`);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["id"] });
    expect(t.apiCalls()).toBe(0);
  });

  it("an account id Eniris cannot have is refused when mapping a customer", async () => {
    const res = await t.gql(
      `mutation { upsertCustomer(input: { name: "X", accounts: [{ source: "sofar", externalId: "not-a-uuid" }] }) { id } }`,
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      source: "sofar",
      field: ["input", "accounts", "0", "externalId"],
    });
  });

  it("licenseByKey with a 900 KB key (it was forwarded to the vendor) is refused like a mutation's key, with no vendor call", async () => {
    for (const key of ["K".repeat(900_000), "K".repeat(51)]) {
      const res = await t.gql(`query($key: String!) { licenseByKey(source: "sofar", key: $key) { id } }`, { key });
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["key"] });
      expect(res.body.errors?.[0]?.message).toBe(`a license key has ${key.length} characters; at most 50 are allowed`);
    }
    expect(t.vendors.sofar.calls.count({ server: "api" })).toBe(0);
    expect(t.apiCalls()).toBe(0);
  });

  it("a page size over the limit is refused", async () => {
    const res = await t.gql(`{ customers(first: 1000) { edges { cursor } } }`);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["first"] });
  });
});
