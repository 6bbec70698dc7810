import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();

const ACTIVATE = `mutation($input: ActivateLicenseInput!) {
  activateLicense(input: $input) { license { id key status activatedAt expiresAt durationMonths } errors { code field message source } }
}`;
const CLAIM = `mutation($input: ClaimLicenseInput!) {
  claimLicense(input: $input) {
    datalink { id nodeId controller { nodeId } license { key } }
    license { key status datalinks { nodeId } }
    errors { code field message source }
  }
}`;

async function audit(operation: string) {
  return (await t.gateway.store.audit.recent(100)).filter((a) => a.operation === operation);
}

describe("activateLicense", () => {
  it("activates an Eniris license from the given instant, and reports the new state", async () => {
    const key = t.vendors.sofar.data.examples.inactiveUnclaimedKey;
    const res = await t.gql(ACTIVATE, { input: { source: "sofar", key, activationIso: "2026-02-01T00:00:00+01:00" } });
    expect(res.body.errors).toBeUndefined();
    const { license, errors } = res.body.data.activateLicense;
    expect(errors).toEqual([]);
    expect(license).toMatchObject({ key, status: "ACTIVE", activatedAt: "2026-01-31T23:00:00.000Z" });
    expect(license.id).toMatch(/^sofar:/);
    const [entry] = await audit("activateLicense");
    expect(entry).toMatchObject({ outcome: "ok", input: { source: "sofar", key } });
  });

  it("refuses a second activation with LICENSE_ALREADY_ACTIVATED in the payload, and audits it", async () => {
    const key = t.vendors.sofar.data.examples.activeUnclaimedKey;
    const res = await t.gql(ACTIVATE, { input: { source: "sofar", key } });
    expect(res.body.data.activateLicense).toEqual({
      license: null,
      errors: [expect.objectContaining({ code: "LICENSE_ALREADY_ACTIVATED", field: ["input", "key"], source: "sofar" })],
    });
    expect((await audit("activateLicense"))[0]).toMatchObject({ outcome: "error", errorCode: "LICENSE_ALREADY_ACTIVATED" });
  });

  it("reports an unknown key as NOT_FOUND", async () => {
    const res = await t.gql(ACTIVATE, { input: { source: "smartgridone", key: "NO-SUCH-KEY" } });
    expect(res.body.data.activateLicense.errors).toEqual([expect.objectContaining({ code: "NOT_FOUND", source: "smartgridone" })]);
  });

  it("activates a local license once", async () => {
    const first = await t.gql(ACTIVATE, { input: { source: "local", key: "LOC-DEMO-0003" } });
    expect(first.body.data.activateLicense.license).toMatchObject({ status: "ACTIVE", durationMonths: 24 });
    expect(first.body.data.activateLicense.license.expiresAt).not.toBeNull();
    const again = await t.gql(ACTIVATE, { input: { source: "local", key: "LOC-DEMO-0003" } });
    expect(again.body.data.activateLicense.errors[0].code).toBe("LICENSE_ALREADY_ACTIVATED");
    const missing = await t.gql(ACTIVATE, { input: { source: "local", key: "LOC-NOPE" } });
    expect(missing.body.data.activateLicense.errors[0].code).toBe("NOT_FOUND");
  });

  it("refuses a local activation in year 10000 UTC (a DateTime the scalar takes) in the payload, activating nothing", async () => {
    const { key } = await t.gateway.store.licenses.issue({});
    const res = await t.gql(ACTIVATE, { input: { source: "local", key, activationIso: "9999-12-31T23:00:00-05:00" } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.activateLicense).toMatchObject({
      license: null,
      errors: [{ code: "BAD_USER_INPUT", field: ["input", "activationIso"] }],
    });
    expect((await t.gateway.store.licenses.byKeys([key]))[0]!.activatedAt).toBeNull();
  });
});

describe("claimLicense", () => {
  it("claims an Eniris license for a controller; the link has the same id and controller from the customer's side", async () => {
    const sofar = t.vendors.sofar.data;
    const key = sofar.examples.activeUnclaimedKey;
    const nodeId = sofar.examples.controllerWithoutLicensesNodeId;
    const owner = sofar.licenses.find((l) => l.key === key)!.customerId;
    const customerId = `demo-customer-${sofar.customers.findIndex((c) => c.id === owner) + 1}`;
    // Registered to the license's owner, so the gateway can learn the vendor's id for the new link.
    await t.gql(`mutation($input: UpsertControllerInput!) { upsertController(input: $input) { nodeId } }`, {
      input: { nodeId, customerId },
    });

    const res = await t.gql(CLAIM, { input: { source: "sofar", key, nodeId } });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.claimLicense;
    expect(payload.errors).toEqual([]);
    expect(payload.datalink).toMatchObject({ nodeId, controller: { nodeId }, license: { key } });
    expect(payload.license).toMatchObject({ key, status: "ACTIVE" });
    const vendorLink = sofar.datalinks.find((d) => d.licenseId === sofar.licenses.find((l) => l.key === key)!.id)!;
    expect(payload.datalink.id).toBe(`sofar:dl:${vendorLink.id}`);

    const read = await t.gql(`query($id: ID!) { customer(id: $id) { licenses(source: "sofar") { key datalinks { id nodeId } } } }`, {
      id: customerId,
    });
    expect(read.body.data.customer.licenses.find((l: any) => l.key === key).datalinks).toEqual([{ id: payload.datalink.id, nodeId }]);
    const byController = await t.gql(`query($n: ID!) { controller(nodeId: $n) { datalinks { id license { key } } } }`, { n: nodeId });
    expect(byController.body.data.controller.datalinks).toEqual([{ id: payload.datalink.id, license: { key } }]);
    expect((await t.gateway.store.claims.ofSource("sofar")).map((c) => [c.licenseKey, c.nodeId, c.vendorDatalinkId])).toContainEqual([
      key,
      nodeId,
      vendorLink.id,
    ]);
  });

  it("refuses a claimed license with LICENSE_ALREADY_CLAIMED and writes nothing", async () => {
    const sofar = t.vendors.sofar.data;
    const before = (await t.gateway.store.claims.ofSource("sofar")).length;
    const res = await t.gql(CLAIM, {
      input: { source: "sofar", key: sofar.examples.activeClaimedKey, nodeId: sofar.examples.controllerWithoutLicensesNodeId },
    });
    expect(res.body.data.claimLicense).toEqual({
      datalink: null,
      license: null,
      errors: [expect.objectContaining({ code: "LICENSE_ALREADY_CLAIMED", source: "sofar" })],
    });
    expect((await t.gateway.store.claims.ofSource("sofar")).length).toBe(before);
  });

  it.each([
    ["an unknown license", "NO-SUCH-KEY", "sgo-ctrl-004"],
    ["an unknown controller", "SGO-COM-0003", "no-such-controller"],
  ])("reports %s as NOT_FOUND", async (_, key, nodeId) => {
    const res = await t.gql(CLAIM, { input: { source: "smartgridone", key, nodeId } });
    expect(res.body.data.claimLicense.errors).toEqual([expect.objectContaining({ code: "NOT_FOUND", source: "smartgridone" })]);
  });

  it("claims a local license once, for a controller some source knows", async () => {
    const ok = await t.gql(CLAIM, { input: { source: "local", key: "LOC-DEMO-0001", nodeId: "sgo-ctrl-005" } });
    expect(ok.body.data.claimLicense.errors).toEqual([]);
    expect(ok.body.data.claimLicense.datalink).toMatchObject({ nodeId: "sgo-ctrl-005", controller: { nodeId: "sgo-ctrl-005" } });
    expect(ok.body.data.claimLicense.datalink.id).toMatch(/^local:dl:/);
    const again = await t.gql(CLAIM, { input: { source: "local", key: "LOC-DEMO-0001", nodeId: "sgo-ctrl-004" } });
    expect(again.body.data.claimLicense.errors[0].code).toBe("LICENSE_ALREADY_CLAIMED");
    const unknown = await t.gql(CLAIM, { input: { source: "local", key: "LOC-DEMO-0003", nodeId: "nobody-knows-me" } });
    expect(unknown.body.data.claimLicense.errors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "nodeId"] });
    const controller = await t.gql(
      `{ controller(nodeId: "sgo-ctrl-005") { licenses { key source { id } } datalinks { license { key } } } }`,
    );
    expect(controller.body.data.controller.licenses).toEqual([{ key: "LOC-DEMO-0001", source: { id: "local" } }]);
    expect(controller.body.data.controller.datalinks).toEqual([{ license: { key: "LOC-DEMO-0001" } }]);
  });

  it("concurrent claims of one local license for different controllers: exactly one wins", async () => {
    const issued = await t.gql(`mutation { issueLicense(input: { customerId: "demo-customer-1", durationMonths: 12 }) { key } }`);
    const key = issued.body.data.issueLicense.key;
    const nodes = ["sofar-ctrl-001", "sofar-ctrl-002", "sofar-ctrl-003", "sofar-ctrl-004", "sgo-ctrl-001"];
    const results = await Promise.all(nodes.map((nodeId) => t.gql(CLAIM, { input: { source: "local", key, nodeId } })));
    const outcomes = results.map((r) => r.body.data.claimLicense.errors[0]?.code ?? "ok");
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "LICENSE_ALREADY_CLAIMED")).toHaveLength(nodes.length - 1);
  });
});

describe("the local store's own mutations", () => {
  it("maps a customer to vendor accounts and shows their licenses", async () => {
    const sgo = t.vendors.smartgridone.data;
    const free = sgo.customers[3]!.id;
    const res = await t.gql(
      `mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id name accounts { source { id kind } externalId } licenses { key } } }`,
      {
        input: { id: "partner-x", name: "Partner X", accounts: [{ source: "smartgridone", externalId: free }] },
      },
    );
    expect(res.body.data.upsertCustomer).toEqual({
      id: "partner-x",
      name: "Partner X",
      accounts: [{ source: { id: "smartgridone", kind: "eniris" }, externalId: free }],
      licenses: [],
    });
  });

  it("refuses an account that already belongs to another customer, writing nothing", async () => {
    const taken = t.vendors.sofar.data.customers[0]!.id;
    const res = await t.gql(
      `mutation { upsertCustomer(input: { id: "thief", name: "Thief", accounts: [{ source: "sofar", externalId: "${taken}" }] }) { id } }`,
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT" });
    expect((await t.gql(`{ customer(id: "thief") { id } }`)).body.data.customer).toBeNull();
  });

  it("issues a local license with a generated key, found by id and by key", async () => {
    const res = await t.gql(
      `mutation { issueLicense(input: { type: "residential", solarKw: 5, customerId: "demo-customer-2" }) { id key status source { id } customer { id } } }`,
    );
    const license = res.body.data.issueLicense;
    expect(license).toMatchObject({ status: "INACTIVE", source: { id: "local" }, customer: { id: "demo-customer-2" } });
    expect(license.key).toMatch(/^LOC-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const byId = await t.gql(`query($id: ID!) { license(id: $id) { key } }`, { id: license.id });
    expect(byId.body.data.license.key).toBe(license.key);
    const byKey = await t.gql(`query($key: String!) { licenseByKey(source: "local", key: $key) { id } }`, { key: license.key });
    expect(byKey.body.data.licenseByKey.id).toBe(license.id);
  });

  it("finds an Eniris license by id through the accounts mapped to its source", async () => {
    const sgo = t.vendors.smartgridone.data;
    const target = sgo.licenses.find((l) => l.key === sgo.examples.allKwSetKey)!;
    const res = await t.gql(`query($id: ID!) { license(id: $id) { key gridKw solarKw batteryKw evKw customer { id } } }`, {
      id: `smartgridone:${target.id}`,
    });
    expect(res.body.data.license).toEqual({
      key: target.key,
      gridKw: target.gridKw,
      solarKw: target.solarKw,
      batteryKw: target.batteryKw,
      evKw: target.evKw,
      customer: { id: "demo-customer-1" },
    });
    expect((await t.gql(`{ license(id: "smartgridone:00000000-0000-0000-0000-000000000000") { key } }`)).body.data.license).toBeNull();
  });
});
