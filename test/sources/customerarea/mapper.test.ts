import { describe, expect, it } from "vitest";
import { toLicense, toOffer } from "../../../src/sources/customerarea/mapper.js";
import { customerareaLicence, parseVendorDate, type CustomerareaLicence } from "../../../src/sources/customerarea/vendor-types.js";

/** The pure mapping rules, on bodies as the vendor could send them (parsed by the same schemas as the adapter). */

const NOW = new Date("2026-06-15T12:00:00Z");

function licence(fields: Partial<Record<keyof CustomerareaLicence, unknown>>): CustomerareaLicence {
  return customerareaLicence.parse({ license_id: 7, license_code: "FS-CLOUD-12M-V2", status: "active", ...fields });
}

describe("parseVendorDate", () => {
  it.each([
    ["2025-02-01 09:00:00", "2025-02-01T09:00:00.000Z"],
    ["2025-02-01T09:00:00", "2025-02-01T09:00:00.000Z"],
    ["2025-02-01T09:00:00Z", "2025-02-01T09:00:00.000Z"],
    ["2025-02-01T09:00:00.000000Z", "2025-02-01T09:00:00.000Z"],
    ["2025-02-01T11:00:00+02:00", "2025-02-01T09:00:00.000Z"],
    ["2025-02-01T11:00:00+0200", "2025-02-01T09:00:00.000Z"],
    ["2025-02-01", "2025-02-01T00:00:00.000Z"],
  ])("%s is %s", (text, iso) => {
    expect(parseVendorDate(text)?.toISOString()).toBe(iso);
  });

  it.each(["0000-00-00 00:00:00", "0000-00-00", "yesterday", "2025-13-01", "01/02/2025", ""])("%j is no date", (text) => {
    expect(parseVendorDate(text)).toBeNull();
  });
});

describe("toLicense", () => {
  it.each([
    ["to_be_activated", {}, "INACTIVE"],
    ["expired", { expiration_date: "2030-01-01" }, "EXPIRED"],
    ["active", { activation_date: "2026-01-01", expiration_date: "2027-01-01" }, "ACTIVE"],
    ["active", { activation_date: "2025-01-01", expiration_date: "2026-01-01" }, "EXPIRED"],
    ["active", {}, "ACTIVE"],
    ["trial", { activation_date: "2026-06-01", expiration_date: "2026-07-01" }, "ACTIVE"],
    ["trial", { activation_date: "2026-05-01", expiration_date: "2026-06-01" }, "EXPIRED"],
    ["renewed", { activation_date: "2025-01-01", expiration_date: "2027-01-01" }, "ACTIVE"],
    ["renewed", { activation_date: "2023-01-01", expiration_date: "2026-01-01" }, "EXPIRED"],
    ["renewed", { activation_date: "2025-01-01" }, "EXPIRED"],
  ] as const)("%s with %j is %s", (status, dates, expected) => {
    expect(toLicense("fs", licence({ status, ...dates }), "5001", NOW).status).toBe(expected);
  });

  it("without an expiration date, the end is activation + duration", () => {
    const mapped = toLicense("fs", licence({ activation_date: "2026-01-31 10:00:00", license_duration_months: 1 }), null, NOW);
    expect(mapped.expiresAt).toEqual(new Date("2026-02-28T10:00:00Z"));
    expect(mapped.account).toBeNull();
  });

  it("the id is both externalId and key; the product code is the type", () => {
    expect(toLicense("fs", licence({ license_name: "FlashStart Cloud v2 12 months" }), "5001", NOW)).toMatchObject({
      externalId: "7",
      key: "7",
      type: "FS-CLOUD-12M-V2",
    });
  });
});

describe("toOffer", () => {
  it("falls back to the code for a missing name and null for missing numbers", () => {
    expect(toOffer("fs", { license_code: "X" })).toEqual({
      source: "fs",
      code: "X",
      name: "X",
      durationMonths: null,
      version: null,
      quantity: null,
      points: null,
      price: null,
      currency: null,
    });
  });
});
