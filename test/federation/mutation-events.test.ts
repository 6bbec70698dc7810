import { describe, expect, it } from "vitest";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * The gateway's own mutations report their license events at once (issue 16), committed with the mutation and
 * published on the event bus, origin MUTATION; a mutation that fails reports nothing.
 */
const t = useTestGateway();

const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { errors { code } datalink { nodeId } } }`;
const RELEASE = `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { errors { code } } }`;
const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { errors { code } note license { status } } }`;
const ISSUE = `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { id } }`;

/** Runs `act` and returns the events the bus delivered meanwhile, and those stored after the cursor before it. */
async function reported(act: () => Promise<void>): Promise<{ published: LicenseEvent[]; stored: LicenseEvent[] }> {
  const from = await t.gateway.store.licenseEvents.latestCursor();
  const published: LicenseEvent[] = [];
  const unsubscribe = t.gateway.events.bus.subscribe({}, (events) => void published.push(...events));
  try {
    await act();
    await expect.poll(async () => (await t.gateway.store.licenseEvents.after(from, {}, 100)).length <= published.length).toBe(true);
  } finally {
    unsubscribe();
  }
  return { published, stored: await t.gateway.store.licenseEvents.after(from, {}, 100) };
}

describe("events of the gateway's own mutations", () => {
  it("claim then release of a Cryptolens key: CLAIMED then RELEASED, for its customer, stored and published at once", async () => {
    const key = t.vendors.cryptolens.data.examples.activeUnactivatedKey;
    const input = { source: "cryptolens", key, nodeId: "sgo-ctrl-004" };
    const claim = await reported(async () => {
      const res = await t.gql(CLAIM, { input });
      expect(res.body.data.claimLicense.errors).toEqual([]);
    });
    expect(claim.stored).toHaveLength(1);
    expect(claim.stored[0]).toMatchObject({ type: "CLAIMED", origin: "MUTATION", source: "cryptolens", nodeId: "sgo-ctrl-004" });
    expect(claim.stored[0]!.customerId).not.toBeNull();
    expect(claim.published.map((e) => e.cursor)).toEqual(claim.stored.map((e) => e.cursor));

    const release = await reported(async () => {
      const res = await t.gql(RELEASE, { input });
      expect(res.body.data.releaseLicense.errors).toEqual([]);
    });
    expect(release.stored.map((e) => [e.type, e.nodeId, e.customerId])).toEqual([
      ["RELEASED", "sgo-ctrl-004", claim.stored[0]!.customerId],
    ]);
  });

  it("activating an Eniris license: ACTIVATED from INACTIVE", async () => {
    const key = t.vendors.sofar.data.examples.inactiveUnclaimedKey;
    const { stored } = await reported(async () => {
      const res = await t.gql(ACTIVATE, { input: { source: "sofar", key } });
      expect(res.body.data.activateLicense.errors).toEqual([]);
    });
    expect(stored.map((e) => [e.type, e.previousStatus, e.status, e.origin])).toEqual([["ACTIVATED", "INACTIVE", "ACTIVE", "MUTATION"]]);
  });

  it("issuing a local license: APPEARED, for the customer it is issued to", async () => {
    const { stored } = await reported(async () => {
      const res = await t.gql(ISSUE, {
        input: { key: "LOC-EVENTS-0001", type: "residential", durationMonths: 12, customerId: "demo-customer-2" },
      });
      expect(res.body.errors).toBeUndefined();
    });
    expect(stored.map((e) => [e.type, e.source, e.customerId])).toEqual([["APPEARED", "local", "demo-customer-2"]]);
  });

  it("a mutation that fails reports nothing", async () => {
    const { stored, published } = await reported(async () => {
      const res = await t.gql(CLAIM, { input: { source: "cryptolens", key: "NOPEX-NOPEX-NOPEX-NOPEX", nodeId: "sgo-ctrl-004" } });
      expect(res.body.data.claimLicense.errors).not.toEqual([]);
    });
    expect(stored).toEqual([]);
    expect(published).toEqual([]);
  });
});
