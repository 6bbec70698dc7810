import { afterEach, describe, expect, it } from "vitest";
import { modelStateProblems, toVendorPatch } from "../../../src/sources/esmart/mapper.js";
import { parseUtc } from "../../../src/sources/esmart/vendor-types.js";

/** The pure pieces of the eSmart folder: dates, the PATCH body, ModelState keys. */

describe("parseUtc", () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  // Regression guard: JavaScript reads a zone-less date-time as local time, so on a server outside UTC every
  // LastSeenUtc would shift by the server's offset.
  it("reads the vendor's zone-less date-times as UTC whatever the server's time zone", () => {
    process.env.TZ = "America/New_York";
    const local = new Date("2013-09-17T22:39:30").getTime();
    expect(local).not.toBe(Date.UTC(2013, 8, 17, 22, 39, 30)); // the zone change took effect
    expect(parseUtc("2013-09-17T22:39:30")).toEqual(new Date(Date.UTC(2013, 8, 17, 22, 39, 30)));
  });

  it.each([
    ["2013-09-17T22:39:30", "2013-09-17T22:39:30.000Z"],
    ["2013-09-17T22:39:30Z", "2013-09-17T22:39:30.000Z"],
    ["2013-09-17T22:39:30.1234567", "2013-09-17T22:39:30.123Z"],
    ["2013-09-17T22:39:30+02:00", "2013-09-17T20:39:30.000Z"],
    ["2013-09-17 22:39:30", "2013-09-17T22:39:30.000Z"],
    ["2013-09-17T22:39", "2013-09-17T22:39:00.000Z"],
    ["2013-09-17", "2013-09-17T00:00:00.000Z"],
  ])("%s → %s", (text, iso) => {
    expect(parseUtc(text)?.toISOString()).toBe(iso);
  });

  it.each(["", "yesterday", "17/09/2013 22:39", "2013-13-45T99:00:00", "2013-09-17T22:39:30 junk"])("%j is not a date", (text) => {
    expect(parseUtc(text)).toBeNull();
  });
});

describe("toVendorPatch", () => {
  it("renames to PascalCase and sends only the given fields", () => {
    expect(toVendorPatch({ email: "a@b.example" })).toEqual({ Email: "a@b.example" });
    expect(toVendorPatch({ phoneNumber: "1", mobileNumber: "2", email: undefined })).toEqual({ PhoneNumber: "1", MobileNumber: "2" });
  });
});

describe("modelStateProblems", () => {
  it("places `parameter.Property`, bare and differently-cased keys on the GraphQL input; the rest on ['input']", () => {
    expect(
      modelStateProblems({
        "customer.Email": ["bad email", "too long"],
        PhoneNumber: ["bad phone"],
        "patch.mobilenumber": ["bad mobile"],
        "customer.Name": ["cannot be updated"],
        "": ["whole body"],
      }),
    ).toEqual([
      // Updated for issue 13, item 7: the vendor's messages were passed on; each is the gateway's sentence now, one
      // per field and sentence.
      { field: ["input", "email"], message: "eSmart refused the email address" },
      { field: ["input", "email"], message: "the email address is longer than eSmart accepts" },
      { field: ["input", "phoneNumber"], message: "eSmart refused the phone number" },
      { field: ["input", "mobileNumber"], message: "eSmart refused the mobile number" },
      { field: ["input"], message: "eSmart refused the update" },
    ]);
  });

  it("a key without messages still yields a problem", () => {
    expect(modelStateProblems({ "customer.Email": [] })).toEqual([
      { field: ["input", "email"], message: "eSmart refused the email address" },
    ]);
  });

  it("never passes a vendor's text on, whatever it says", () => {
    const hostile = "see http://10.0.0.5/internal?password=hunter2";
    const problems = modelStateProblems({ "customer.Email": [hostile], [`customer.${hostile}`]: [hostile] });
    expect(JSON.stringify(problems)).not.toMatch(/10\.0\.0\.5|hunter2/);
  });
});
