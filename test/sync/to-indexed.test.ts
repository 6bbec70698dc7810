import { describe, expect, it } from "vitest";
import type { Datalink, License } from "../../src/domain/model.js";
import type { ClaimRow } from "../../src/store/claims.js";
import { toIndexed } from "../../src/sync/to-indexed.js";

function license(datalinks: Datalink[] | null, patch: Partial<License> = {}): License {
  return {
    source: "sofar",
    externalId: "lic-1",
    key: "SECRET-KEY",
    type: "residential",
    status: "ACTIVE",
    gridKw: null,
    solarKw: null,
    batteryKw: null,
    evKw: null,
    createdAt: null,
    activatedAt: new Date("2026-01-01T00:00:00Z"),
    expiresAt: new Date("2027-01-01T00:00:00Z"),
    deactivatedAt: null,
    durationMonths: 12,
    features: null,
    maxControllers: 1,
    account: { source: "sofar", externalId: "acct-1" },
    customerId: null,
    datalinks,
    ...patch,
  };
}

const link = (vendorId: string | null, nodeId: string | null): Datalink => ({
  id: `sofar:dl:${vendorId ?? nodeId}`,
  source: "sofar",
  licenseExternalId: "lic-1",
  vendorId,
  nodeId,
  createdAt: null,
});

const claim = (nodeId: string, vendorDatalinkId: string | null = null, licenseExternalId = "lic-1", source = "sofar"): ClaimRow => ({
  id: `claim-${nodeId}`,
  source,
  licenseExternalId,
  licenseKey: "SECRET-KEY",
  nodeId,
  vendorDatalinkId,
  licenseAccount: null,
  createdAt: new Date("2026-01-02T00:00:00Z"),
});

describe("toIndexed", () => {
  it("keeps what the index needs and never the key", () => {
    const indexed = toIndexed(license([]), "acct-1", "cust-1", []);
    expect(indexed).toEqual({
      source: "sofar",
      externalId: "lic-1",
      account: "acct-1",
      customerId: "cust-1",
      status: "ACTIVE",
      type: "residential",
      activatedAt: new Date("2026-01-01T00:00:00Z"),
      expiresAt: new Date("2027-01-01T00:00:00Z"),
      nodeIds: [],
    });
    expect(JSON.stringify(indexed)).not.toContain("SECRET-KEY");
  });

  it("takes the node ids the vendor lists (Cryptolens), sorted, without repeats", () => {
    expect(toIndexed(license([link(null, "n2"), link(null, "n1"), link(null, "n2")]), "a", null, []).nodeIds).toEqual(["n1", "n2"]);
  });

  it("resolves a link listed by vendor id only (Eniris) through the claim recorded with that id", () => {
    const claims = [claim("n7", "dl-7"), claim("n8", "dl-8")];
    expect(toIndexed(license([link("dl-8", null)]), "a", null, claims).nodeIds).toEqual(["n8"]);
  });

  it("resolves one link and one claim of the license to that claim's controller", () => {
    expect(toIndexed(license([link("dl-x", null)]), "a", null, [claim("n1")]).nodeIds).toEqual(["n1"]);
  });

  it("leaves out a link it cannot resolve, and then adds no claims", () => {
    expect(toIndexed(license([link("dl-x", null), link("dl-y", null)]), "a", null, [claim("n1")]).nodeIds).toEqual([]);
    expect(toIndexed(license([link("dl-x", null)]), "a", null, []).nodeIds).toEqual([]);
  });

  it("counts the gateway's claims the vendor does not show once every link resolved", () => {
    expect(toIndexed(license([link(null, "n1")]), "a", null, [claim("n3")]).nodeIds).toEqual(["n1", "n3"]);
  });

  it("takes the gateway's claims as the links of a vendor that has none (Customerarea)", () => {
    expect(toIndexed(license(null), "a", null, [claim("n2"), claim("n1")]).nodeIds).toEqual(["n1", "n2"]);
  });

  it("ignores claims of other licenses and other sources", () => {
    const claims = [claim("n1", null, "lic-2"), claim("n2", null, "lic-1", "cryptolens")];
    expect(toIndexed(license(null), "a", null, claims).nodeIds).toEqual([]);
  });
});
