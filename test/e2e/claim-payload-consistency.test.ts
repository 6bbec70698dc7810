import { describe, expect, it } from "vitest";
import { DEMO_CUSTOMER_IDS, DEMO_LOCAL_KEYS } from "../../src/demo/seed.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * A normalising client (Relay, Apollo Client) stores one record per id: when one answer holds the same object
 * twice with two values, Relay rejects it, and when a later read disagrees with a mutation's answer the screen
 * changes for nothing. So in a claim's payload the new link (`datalink`) must be exactly the same-id entry of
 * `license.datalinks`, and both must be what a later read says. Found at Cryptolens: the payload's datalink had
 * the gateway's clock (milliseconds), the license's links the vendor's time (whole seconds).
 */
const t = useTestGateway({ cache: { enabled: false } });

const LINK = `id nodeId createdAt source { id }`;
const LICENSE = `id key status createdAt activatedAt expiresAt deactivatedAt maxControllers datalinks { ${LINK} }`;
const CLAIM = `mutation($input: ClaimLicenseInput!) {
  claimLicense(input: $input) { datalink { ${LINK} license { id } } license { ${LICENSE} } errors { code message } }
}`;

async function ok(query: string, variables?: Record<string, unknown>) {
  const res = await t.gql(query, variables);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data;
}

/** Registers a controller with the gateway (the gateway refuses a claim for a controller nobody knows). */
async function register(nodeId: string, customerId: string | null = null) {
  await ok(`mutation($input: UpsertControllerInput!) { upsertController(input: $input) { nodeId } }`, { input: { nodeId, customerId } });
}

/** The demo customer that owns an Eniris brand's license. */
function enirisOwner(brand: "sofar" | "smartgridone", key: string): string {
  const data = t.vendors[brand].data;
  const owner = data.licenses.find((l) => l.key === key)!.customerId;
  return DEMO_CUSTOMER_IDS[data.customers.findIndex((c) => c.id === owner)]!;
}

/** Each vendor kind's claim: the source, a license it can claim, and a controller to claim it for. */
const CASES: Array<[string, () => Promise<{ source: string; key: string; nodeId: string }>]> = [
  [
    "Eniris (sofar)",
    async () => {
      const { examples } = t.vendors.sofar.data;
      await register(examples.controllerWithoutLicensesNodeId, enirisOwner("sofar", examples.activeUnclaimedKey));
      return { source: "sofar", key: examples.activeUnclaimedKey, nodeId: examples.controllerWithoutLicensesNodeId };
    },
  ],
  [
    "Eniris (smartgridone), a controller registered to nobody",
    async () => {
      const { examples } = t.vendors.smartgridone.data;
      return { source: "smartgridone", key: examples.inactiveUnclaimedKey, nodeId: examples.controllerWithoutLicensesNodeId };
    },
  ],
  [
    "Cryptolens, a key that records the machine",
    async () => {
      await register("payload-cl-1");
      return { source: "cryptolens", key: t.vendors.cryptolens.data.examples.activeUnactivatedKey, nodeId: "payload-cl-1" };
    },
  ],
  [
    "Cryptolens, a key that records no machine (the gateway's claim is the link)",
    async () => {
      await register("payload-cl-2");
      return { source: "cryptolens", key: t.vendors.cryptolens.data.examples.unlimitedMachinesKey, nodeId: "payload-cl-2" };
    },
  ],
  [
    "Customerarea (claims kept by the gateway)",
    async () => {
      await register("payload-ca-1");
      return { source: "flashstart", key: String(t.vendors.flashstart.data.examples.activeLicenceId), nodeId: "payload-ca-1" };
    },
  ],
  [
    "the local store",
    async () => {
      await register("payload-local-1");
      return { source: "local", key: DEMO_LOCAL_KEYS.unclaimed, nodeId: "payload-local-1" };
    },
  ],
];

/** What each case claimed, for the release below. */
const claimed = new Map<string, { source: string; key: string; nodeId: string }>();

describe("claimLicense: one object, one value", () => {
  it.each(CASES)("%s: the payload's datalink is its license's entry for that id, and both equal a later read", async (name, setUp) => {
    const input = await setUp();
    claimed.set(name, input);
    const { claimLicense: payload } = await ok(CLAIM, { input });
    expect(payload.errors).toEqual([]);
    const {
      license: payloadLicense,
      datalink: { license: linked, ...link },
    } = payload;
    expect(linked).toEqual({ id: payloadLicense.id });
    expect(link.nodeId).toBe(input.nodeId);
    expect(payloadLicense.datalinks.filter((d: { id: string }) => d.id === link.id)).toEqual([link]);

    const { license: later } = await ok(`query($id: ID!) { license(id: $id) { ${LICENSE} } }`, { id: payloadLicense.id });
    expect(later).toEqual(payloadLicense);
    const { controller } = await ok(`query($n: ID!) { controller(nodeId: $n) { datalinks { ${LINK} } } }`, { n: input.nodeId });
    expect(controller.datalinks.filter((d: { id: string }) => d.id === link.id)).toEqual([link]);
  });
});

describe("releaseLicense: the payload's license is what a later read says", () => {
  const RELEASE = `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { license { ${LICENSE} } errors { code } } }`;
  // Eniris cannot release; Customerarea's release answers no license (the vendor is not asked again).
  it.each(CASES.map(([name]) => name).filter((name) => /Cryptolens|local/.test(name)))("%s", async (name) => {
    const input = claimed.get(name)!;
    const { releaseLicense: payload } = await ok(RELEASE, { input });
    expect(payload.errors).toEqual([]);
    expect(payload.license.datalinks.map((d: { nodeId: string }) => d.nodeId)).not.toContain(input.nodeId);
    expect((await ok(`query($id: ID!) { license(id: $id) { ${LICENSE} } }`, { id: payload.license.id })).license).toEqual(payload.license);
  });
});

describe("catalogue mutations: the payload's license is what a later read says", () => {
  it("renewLicense at Customerarea", async () => {
    const id = `flashstart:${t.vendors.flashstart.data.examples.activeLicenceId}`;
    const RENEW = `mutation($input: LicenseRefInput!) { renewLicense(input: $input) { license { ${LICENSE} } errors { code message } } }`;
    const { renewLicense: payload } = await ok(RENEW, { input: { licenseId: id } });
    expect(payload.errors).toEqual([]);
    // Customerarea answers a renewal with the licence it now holds (a new id at this vendor).
    expect(payload.license.id).toMatch(/^flashstart:/);
    expect((await ok(`query($id: ID!) { license(id: $id) { ${LICENSE} } }`, { id: payload.license.id })).license).toEqual(payload.license);
  });
});
