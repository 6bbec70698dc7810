import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();

const LICENSES = `licenses { id key status features maxControllers expiresAt source { id kind } datalinks { nodeId } }`;

describe("one customer across all five sources", () => {
  it("answers licenses from Sofar, SmartgridOne, Cryptolens, Customerarea and the local store, with the eSmart profile and hardware", async () => {
    const res = await t.gql(`{ customer(id: "demo-customer-1") {
      name
      accounts { source { id kind } externalId }
      profile { name email phoneNumber city externalId }
      ${LICENSES}
      controllers { nodeId serialNumber hardware { serialNumber active firmwareVersion lastSeenAt devices { type serialNumber } } }
      availableLicenses(currency: "USD", durationMonths: 12) { code name price currency durationMonths }
    } }`);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    const c = res.body.data.customer;
    expect(c.accounts.map((a: any) => a.source.id).sort()).toEqual(["cryptolens", "esmart", "flashstart", "smartgridone", "sofar"]);
    expect(new Set(c.licenses.map((l: any) => l.source.id))).toEqual(
      new Set(["sofar", "smartgridone", "cryptolens", "flashstart", "local"]),
    );
    const esmart = t.vendors.esmart.data.customers.find((x) => x.CustomerId === "ES-10001" && x.area === 2)!;
    expect(c.profile).toMatchObject({ externalId: "ES-10001", email: esmart.Email, city: esmart.City });
    const withHardware = c.controllers.filter((x: any) => x.hardware !== null);
    expect(withHardware.length).toBeGreaterThan(0);
    for (const x of withHardware) {
      expect(x.hardware.serialNumber).toBe(x.serialNumber);
      expect(x.hardware.devices.length).toBeGreaterThan(0);
    }
    expect(c.availableLicenses.length).toBeGreaterThan(0);
    for (const offer of c.availableLicenses) expect(offer).toMatchObject({ currency: "USD", durationMonths: 12 });
  });

  it("maps Cryptolens keys into the one model: blocked, expired, features, machine limit, links to controllers", async () => {
    const ex = t.vendors.cryptolens.data.examples;
    const read = async (key: string) =>
      (
        await t.gql(
          `query($key: String!) { licenseByKey(source: "cryptolens", key: $key) { id status features maxControllers activatedAt expiresAt datalinks { nodeId controller { nodeId } } } }`,
          { key },
        )
      ).body.data.licenseByKey;
    expect((await read(ex.blockedKey)).status).toBe("BLOCKED");
    expect((await read(ex.expiredKey)).status).toBe("EXPIRED");
    const active = await read(ex.activeKeyWithFreeSlot);
    expect(active).toMatchObject({ id: `cryptolens:${ex.activeKeyWithFreeSlot}`, status: "ACTIVE", maxControllers: 3 });
    expect(active.features.every((f: string) => /^f[1-8]$/.test(f))).toBe(true);
    expect(active.datalinks.map((d: any) => d.controller.nodeId).sort()).toEqual(["sofar-ctrl-001", "sofar-ctrl-002"]);
    expect((await read(ex.nonTimeLimitedKey)).expiresAt).toBeNull();
    expect((await t.gql(`{ licenseByKey(source: "cryptolens", key: "NOPEN-OPENO-PENOP-ENOPE") { id } }`)).body).toEqual({
      data: { licenseByKey: null },
    });
  });
});

describe("claim and release across sources", () => {
  const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { id nodeId controller { nodeId } } license { key datalinks { nodeId } } errors { code field source } } }`;
  const RELEASE = `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { license { key datalinks { nodeId } } errors { code field source message } } }`;

  it("claims a Cryptolens key for a controller (key/Activate) and releases it (key/Deactivate)", async () => {
    const ex = t.vendors.cryptolens.data.examples;
    const input = { source: "cryptolens", key: ex.activeUnactivatedKey, nodeId: "sgo-ctrl-004" };
    const claimed = await t.gql(CLAIM, { input });
    expect(claimed.body.data.claimLicense.errors).toEqual([]);
    expect(claimed.body.data.claimLicense.datalink).toMatchObject({ nodeId: "sgo-ctrl-004", controller: { nodeId: "sgo-ctrl-004" } });
    expect(claimed.body.data.claimLicense.license.datalinks).toEqual([{ nodeId: "sgo-ctrl-004" }]);
    const onController = await t.gql(`{ controller(nodeId: "sgo-ctrl-004") { licenses(source: "cryptolens") { key } } }`);
    expect(onController.body.data.controller.licenses).toEqual([{ key: ex.activeUnactivatedKey }]);

    const released = await t.gql(RELEASE, { input });
    expect(released.body.data.releaseLicense.errors).toEqual([]);
    expect(released.body.data.releaseLicense.license.datalinks).toEqual([]);
    const after = await t.gql(`{ controller(nodeId: "sgo-ctrl-004") { licenses(source: "cryptolens") { key } } }`);
    expect(after.body.data.controller.licenses).toEqual([]);
  });

  it("refuses a claim beyond a Cryptolens key's machine limit with LICENSE_CLAIM_LIMIT_REACHED", async () => {
    const ex = t.vendors.cryptolens.data.examples;
    const res = await t.gql(CLAIM, { input: { source: "cryptolens", key: ex.keyAtMachineLimit, nodeId: "sgo-ctrl-005" } });
    expect(res.body.data.claimLicense.errors).toEqual([
      { code: "LICENSE_CLAIM_LIMIT_REACHED", field: ["input", "key"], source: "cryptolens" },
    ]);
  });

  it("keeps Customerarea claims in the gateway: claimed once, shown on the controller, released", async () => {
    const licence = String(t.vendors.flashstart.data.examples.activeLicenceId);
    const input = { source: "flashstart", key: licence, nodeId: "sofar-ctrl-004" };
    const claimed = await t.gql(CLAIM, { input });
    expect(claimed.body.data.claimLicense.errors).toEqual([]);
    expect(claimed.body.data.claimLicense.datalink).toMatchObject({ nodeId: "sofar-ctrl-004" });
    const again = await t.gql(CLAIM, { input: { ...input, nodeId: "sofar-ctrl-003" } });
    expect(again.body.data.claimLicense.errors[0].code).toBe("LICENSE_ALREADY_CLAIMED");
    const onController = await t.gql(
      `{ controller(nodeId: "sofar-ctrl-004") { licenses(source: "flashstart") { key } datalinks { license { key } } } }`,
    );
    expect(onController.body.data.controller.licenses).toEqual([{ key: licence }]);
    const released = await t.gql(RELEASE, { input });
    expect(released.body.data.releaseLicense.errors).toEqual([]);
    const twice = await t.gql(RELEASE, { input });
    expect(twice.body.data.releaseLicense.errors[0].code).toBe("LICENSE_NOT_CLAIMED");
  });

  it("says clearly that Eniris cannot release a claim", async () => {
    const res = await t.gql(RELEASE, {
      input: { source: "sofar", key: t.vendors.sofar.data.examples.activeClaimedKey, nodeId: "sofar-ctrl-001" },
    });
    expect(res.body.data.releaseLicense.errors).toEqual([expect.objectContaining({ code: "UNSUPPORTED_BY_SOURCE", source: "sofar" })]);
    expect(res.body.data.releaseLicense.errors[0].message).toMatch(/stays at the vendor/);
  });

  it("activating a Cryptolens key changes nothing and says why", async () => {
    const key = t.vendors.cryptolens.data.examples.activeUnactivatedKey;
    const res = await t.gql(
      `mutation($key: String!) { activateLicense(input: { source: "cryptolens", key: $key }) { license { key status } note errors { code } } }`,
      { key },
    );
    expect(res.body.data.activateLicense).toMatchObject({ license: { key, status: "ACTIVE" }, errors: [] });
    expect(res.body.data.activateLicense.note).toMatch(/active from creation/i);
  });
});

describe("the Customerarea catalogue", () => {
  const ASSIGN_DEMO = `mutation($input: AssignDemoLicenseInput!) { assignDemoLicense(input: $input) { license { id key status type source { id } customer { id } } errors { code field source } } }`;

  it("assigns a demo license, refuses a third one with DEMO_LIMIT_REACHED", async () => {
    // demo-customer-3 is Customerarea customer 5003, which has used no demo yet.
    const first = await t.gql(ASSIGN_DEMO, { input: { customerId: "demo-customer-3", source: "flashstart" } });
    expect(first.body.data.assignDemoLicense.errors).toEqual([]);
    expect(first.body.data.assignDemoLicense.license).toMatchObject({
      status: "ACTIVE",
      source: { id: "flashstart" },
      customer: { id: "demo-customer-3" },
    });
    await t.gql(ASSIGN_DEMO, { input: { customerId: "demo-customer-3", source: "flashstart" } });
    const third = await t.gql(ASSIGN_DEMO, { input: { customerId: "demo-customer-3", source: "flashstart" } });
    expect(third.body.data.assignDemoLicense).toEqual({
      license: null,
      errors: [expect.objectContaining({ code: "DEMO_LIMIT_REACHED", source: "flashstart" })],
    });
  });

  it("assigns an affordable offer, renews and cancels it; refuses one beyond the credit", async () => {
    const ex = t.vendors.flashstart.data.examples;
    const bulk = `mutation($input: AssignBulkLicenseInput!) { assignBulkLicense(input: $input) { license { id key status } errors { code field source } } }`;
    const ok = await t.gql(bulk, {
      input: { customerId: "demo-customer-3", source: "flashstart", offerCode: ex.affordableLicenseCode, info: "Headquarter" },
    });
    expect(ok.body.data.assignBulkLicense.errors).toEqual([]);
    const id = ok.body.data.assignBulkLicense.license.id;
    expect(ok.body.data.assignBulkLicense.license.status).toBe("INACTIVE");
    const tooMuch = await t.gql(bulk, {
      input: { customerId: "demo-customer-3", source: "flashstart", offerCode: ex.tooExpensiveLicenseCode, info: "Branch" },
    });
    expect(tooMuch.body.data.assignBulkLicense.errors).toEqual([
      expect.objectContaining({ code: "INSUFFICIENT_CREDIT", source: "flashstart" }),
    ]);
    const cancelled = await t.gql(
      `mutation($id: ID!) { cancelLicense(input: { licenseId: $id }) { cancelled licenseId errors { code } } }`,
      { id },
    );
    expect(cancelled.body.data.cancelLicense).toEqual({ cancelled: true, licenseId: id, errors: [] });
    const renewable = `flashstart:${ex.activeLicenceId}`;
    const renewed = await t.gql(
      `mutation($id: ID!) { renewLicense(input: { licenseId: $id }) { license { id status } errors { code message } } }`,
      { id: renewable },
    );
    expect(renewed.body.data.renewLicense.errors).toEqual([]);
    expect(renewed.body.data.renewLicense.license.id).not.toBe(renewable);
  });

  it("refuses catalogue operations for a customer without an account there, before any call", async () => {
    await t.gql(`mutation { upsertCustomer(input: { id: "no-accounts", name: "Nobody" }) { id } }`);
    t.resetCalls();
    const res = await t.gql(ASSIGN_DEMO, { input: { customerId: "no-accounts", source: "flashstart" } });
    expect(res.body.data.assignDemoLicense.errors).toEqual([{ code: "BAD_USER_INPUT", field: ["input", "customerId"], source: null }]);
    expect(t.apiCalls()).toBe(0);
  });
});

describe("eSmart contact details", () => {
  const UPDATE = `mutation($input: UpdateCustomerContactInput!) { updateCustomerContact(input: $input) { profile { email phoneNumber } errors { code field source message } } }`;

  it("refuses input against the vendor's rules field by field, without calling eSmart", async () => {
    t.resetCalls();
    const res = await t.gql(UPDATE, {
      input: { customerId: "demo-customer-2", phoneNumber: "+3247012345", mobileNumber: "123456789012345", email: "not-an-email" },
    });
    const errors = res.body.data.updateCustomerContact.errors;
    expect(errors.map((e: any) => [e.code, e.field])).toEqual(
      expect.arrayContaining([
        ["BAD_USER_INPUT", ["input", "phoneNumber"]],
        ["BAD_USER_INPUT", ["input", "mobileNumber"]],
        ["BAD_USER_INPUT", ["input", "email"]],
      ]),
    );
    expect(errors).toHaveLength(3);
    expect(t.vendors.esmart.calls.count()).toBe(0);
  });

  it("updates valid details at eSmart and shows them on the profile", async () => {
    const res = await t.gql(UPDATE, { input: { customerId: "demo-customer-2", phoneNumber: "3247012345", email: "new@janssens.example" } });
    expect(res.body.data.updateCustomerContact).toEqual({
      profile: { email: "new@janssens.example", phoneNumber: "3247012345" },
      errors: [],
    });
    const read = await t.gql(`{ customer(id: "demo-customer-2") { profile { email phoneNumber } } }`);
    expect(read.body.data.customer.profile).toEqual({ email: "new@janssens.example", phoneNumber: "3247012345" });
  });
});
