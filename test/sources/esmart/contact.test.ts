import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FieldProblemsError } from "../../../src/errors/gateway-error.js";
import { startEsmartSimulator, type EsmartSimulator } from "../../../src/simulators/esmart/server.js";
import type { ContactPatch } from "../../../src/sources/source.js";
import { OWNER_USER, callLog, closeSources, customerPath, expectGatewayError, rejectionOf, simulatorUsers, sourceFor } from "./support.js";

/** The documented contact rules (checked before any call) and PATCH api/customers/{id}. */

let sim: EsmartSimulator;

beforeAll(async () => {
  sim = await startEsmartSimulator({ users: simulatorUsers() });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});
afterEach(async () => {
  await closeSources();
});

const ex = () => sim.data.examples;
const rawCustomer = (id: string) => sim.data.customers.find((c) => c.CustomerId === id && c.area === 2)!;
const fields = (problems: { field: string[] }[]) => problems.map((p) => p.field.join("."));

const digits = (n: number) => "1234567890".repeat(3).slice(0, n);
/** A syntactically valid address of exactly `n` characters (n ≥ 14). */
const emailOf = (n: number) => `${"a".repeat(n - "@example.com".length)}@example.com`;

describe("validateContact (the vendor's documented rules, no call)", () => {
  it.each<[string, ContactPatch]>([
    ["a 14-digit phone number", { phoneNumber: digits(14) }],
    ["a 14-digit mobile number", { mobileNumber: digits(14) }],
    ["a one-digit phone number", { phoneNumber: "7" }],
    ["a 100-character email", { email: emailOf(100) }],
    ["all three together", { email: "a.b-c+d@sub.example.be", phoneNumber: "3250123456", mobileNumber: "32470123456" }],
  ])("accepts %s", (_what, patch) => {
    const source = sourceFor(sim);
    expect(source.directory.validateContact(patch)).toEqual([]);
    expect(sim.calls.count()).toBe(0);
  });

  it.each<[string, ContactPatch, string[]]>([
    ["a 15-digit phone number", { phoneNumber: digits(15) }, ["input.phoneNumber"]],
    ["a 15-digit mobile number", { mobileNumber: digits(15) }, ["input.mobileNumber"]],
    ["a phone number with a +", { phoneNumber: "+3250123456" }, ["input.phoneNumber"]],
    ["a mobile number with spaces", { mobileNumber: "0470 12 34 56" }, ["input.mobileNumber"]],
    ["a phone number with non-ASCII digits", { phoneNumber: "٣٢٥٠" }, ["input.phoneNumber"]],
    ["an empty phone number", { phoneNumber: "" }, ["input.phoneNumber"]],
    ["a 101-character email", { email: emailOf(101) }, ["input.email"]],
    ["an email without @", { email: "nobody.example.com" }, ["input.email"]],
    ["an email without a dotted domain", { email: "nobody@localhost" }, ["input.email"]],
    ["an email with a space", { email: "no body@example.com" }, ["input.email"]],
    ["an empty email", { email: "" }, ["input.email"]],
    ["an empty patch", {}, ["input"]],
    ["a patch of undefined fields", { email: undefined, phoneNumber: undefined }, ["input"]],
    ["two bad fields", { email: "x", mobileNumber: "abc" }, ["input.email", "input.mobileNumber"]],
  ])("refuses %s", (_what, patch, expected) => {
    const source = sourceFor(sim);
    const problems = source.directory.validateContact(patch);
    expect([...new Set(fields(problems))]).toEqual(expected);
    expect(sim.calls.count()).toBe(0);
  });

  it("a value breaking two rules gets one problem per rule", () => {
    const problems = sourceFor(sim).directory.validateContact({ phoneNumber: `+${digits(14)}` });
    expect(problems).toHaveLength(2);
    expect(problems.map((p) => p.message).join(" ")).toMatch(/digits 0-9 only.*at most 14/);
  });

  it("messages state the rule and never quote the value", () => {
    const secret = "private.person@nowhere";
    const problems = sourceFor(sim).directory.validateContact({ email: secret, phoneNumber: "+32-SECRET", mobileNumber: digits(20) });
    expect(fields(problems)).toEqual(["input.email", "input.phoneNumber", "input.mobileNumber"]);
    for (const p of problems) {
      expect(p.message).not.toContain(secret);
      expect(p.message).not.toContain("SECRET");
      expect(p.message).not.toContain(digits(20));
    }
    expect(problems.find((p) => p.field[1] === "mobileNumber")!.message).toContain("14");
  });
});

describe("updateContact", () => {
  it("PATCHes only the given fields in PascalCase and returns the updated profile (200)", async () => {
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    const before = { ...rawCustomer(id) };
    const profile = await source.directory.updateContact(id, { email: "new.address@example.com", mobileNumber: "32470999888" });
    expect(profile).toMatchObject({
      externalId: id,
      email: "new.address@example.com",
      mobileNumber: "32470999888",
      phoneNumber: before.PhoneNumber,
    });
    // The vendor holds the change; the untouched field is unchanged.
    expect(rawCustomer(id)).toMatchObject({
      Email: "new.address@example.com",
      MobileNumber: "32470999888",
      PhoneNumber: before.PhoneNumber,
    });
    expect(callLog(sim)).toEqual([`PATCH ${customerPath(id)} 200`]);
  });

  it("an invalid patch throws FieldProblemsError from this source without any call", async () => {
    const source = sourceFor(sim);
    const error = await rejectionOf(source.directory.updateContact(ex().customerInBothAreasId, { phoneNumber: digits(15), email: "bad" }));
    expect(error).toBeInstanceOf(FieldProblemsError);
    const problems = (error as FieldProblemsError).problems;
    expect(fields(problems)).toEqual(["input.email", "input.phoneNumber"]);
    expectGatewayError(error, "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });

  it("an empty patch is refused on ['input'] without any call", async () => {
    const error = await rejectionOf(sourceFor(sim).directory.updateContact(ex().customerInBothAreasId, {}));
    expect(fields((error as FieldProblemsError).problems)).toEqual(["input"]);
    expect(sim.calls.count()).toBe(0);
  });

  it("the vendor's ModelState becomes field problems on the GraphQL input paths", async () => {
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    sim.fault({
      method: "PATCH",
      path: customerPath(id),
      kind: "status",
      status: 400,
      body: {
        Message: "The request is invalid.",
        ModelState: {
          "customer.Email": ["The Email field is not a valid e-mail address."],
          "customer.PhoneNumber": ["The field PhoneNumber must match the regular expression '^[0-9]+$'."],
          mobileNumber: ["Too long."],
          customer: ["Something about the whole body."],
        },
      },
    });
    const error = await rejectionOf(source.directory.updateContact(id, { email: "a@b.example", phoneNumber: "1", mobileNumber: "2" }));
    expect(error).toBeInstanceOf(FieldProblemsError);
    const e = expectGatewayError(error, "BAD_USER_INPUT");
    expect(e.upstreamStatus).toBe(400);
    // Updated for issue 13, item 7: the problems quoted the vendor's messages; they are the gateway's sentences
    // for the kind of refusal the vendor stated, and the vendor's words are logged.
    expect((error as FieldProblemsError).problems).toEqual([
      { field: ["input", "email"], message: "eSmart does not accept the email address as written" },
      { field: ["input", "phoneNumber"], message: "eSmart does not accept the phone number as written" },
      { field: ["input", "mobileNumber"], message: "the mobile number is longer than eSmart accepts" },
      { field: ["input"], message: "eSmart refused the update" },
    ]);
    // A refusal of the input is not a vendor failure.
    expect(source.health().state).toBe("ok");
  });

  it("a vendor rule the gateway does not know of (a refused domain) is reported on its field", async () => {
    // The gateway's email rule is a shape check; the vendor may be stricter.
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    sim.fault({
      method: "PATCH",
      path: customerPath(id),
      kind: "status",
      status: 400,
      body: { Message: "The request is invalid.", ModelState: { "customer.Email": ["Domain not accepted."] } },
    });
    const error = (await rejectionOf(source.directory.updateContact(id, { email: "someone@blocked.example" }))) as FieldProblemsError;
    expect(error.problems).toEqual([{ field: ["input", "email"], message: "eSmart refused the email address" }]);
  });

  it("a 400 without ModelState is UPSTREAM_REJECTED", async () => {
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    sim.fault({ method: "PATCH", path: customerPath(id), kind: "status", status: 400, body: { Message: "Nope." } });
    const error = expectGatewayError(await rejectionOf(source.directory.updateContact(id, { phoneNumber: "1" })), "UPSTREAM_REJECTED");
    // Updated for issue 13, item 7: the vendor's Message was quoted.
    expect(error.message).not.toContain("Nope.");
    expect(error.message).toMatch(/esmart refused the request the gateway sent \(contact update: HTTP 400\)/);
  });

  it("a 204 is followed by one GET, whose customer is returned", async () => {
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    sim.fault({ method: "PATCH", path: customerPath(id), kind: "status", status: 204, body: "" });
    // The fault stands in for the vendor, so apply the change the way it would have.
    rawCustomer(id).PhoneNumber = "3299887766";
    const profile = await source.directory.updateContact(id, { phoneNumber: "3299887766" });
    expect(profile).toMatchObject({ externalId: id, phoneNumber: "3299887766", name: rawCustomer(id).Name });
    expect(callLog(sim)).toEqual([`PATCH ${customerPath(id)} 204`, `GET ${customerPath(id)} 200`]);
  });

  it.each([
    ["an empty body", ""],
    ["a body that is not a customer", { Success: true }],
    ["a body that is not JSON", "OK"],
  ])("a 200 with %s is read back like a 204 (never an empty profile)", async (_what, body) => {
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    sim.fault({ method: "PATCH", path: customerPath(id), kind: "status", status: 200, body });
    const profile = await source.directory.updateContact(id, { phoneNumber: "3299887766" });
    expect(profile).toMatchObject({ externalId: id, name: rawCustomer(id).Name });
    expect(callLog(sim)).toEqual([`PATCH ${customerPath(id)} 200`, `GET ${customerPath(id)} 200`]);
  });

  it("a 204 whose read-back fails says the update was accepted", async () => {
    const source = sourceFor(sim);
    const id = ex().customerInBothAreasId;
    sim.fault({ method: "PATCH", path: customerPath(id), kind: "status", status: 204, body: "" });
    sim.fault({ method: "GET", path: customerPath(id), kind: "status", status: 500 });
    const error = expectGatewayError(await rejectionOf(source.directory.updateContact(id, { phoneNumber: "1" })), "UPSTREAM_UNAVAILABLE");
    expect(error.message).toMatch(/accepted the contact update/);
  });

  it("an unknown customer is NOT_FOUND", async () => {
    const source = sourceFor(sim);
    expectGatewayError(await rejectionOf(source.directory.updateContact("ES-99999", { phoneNumber: "1" })), "NOT_FOUND");
    expect(callLog(sim)).toEqual([`PATCH ${customerPath("ES-99999")} 404`]);
  });

  it("another user's customer is UPSTREAM_FORBIDDEN and unchanged", async () => {
    const source = sourceFor(sim, { username: OWNER_USER.username, password: OWNER_USER.password });
    const id = ex().powerOnlyCustomerId;
    const before = rawCustomer(id).MobileNumber;
    expectGatewayError(await rejectionOf(source.directory.updateContact(id, { mobileNumber: "1" })), "UPSTREAM_FORBIDDEN");
    expect(rawCustomer(id).MobileNumber).toBe(before);
  });

  it("an account id that cannot be a path segment is BAD_USER_INPUT without any call", async () => {
    expectGatewayError(await rejectionOf(sourceFor(sim).directory.updateContact("a/b", { phoneNumber: "1" })), "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });

  it.each([
    ["a 500", { kind: "status", status: 500 } as const, "UPSTREAM_UNAVAILABLE"],
    ["a reset connection", { kind: "reset" } as const, "UPSTREAM_UNAVAILABLE"],
    ["no answer", { kind: "timeout" } as const, "UPSTREAM_TIMEOUT"],
  ] as const)("is never retried: %s is reported after exactly one PATCH", async (_what, fault, code) => {
    const source = sourceFor(sim, { timeoutMs: 300 });
    const id = ex().customerInBothAreasId;
    sim.fault({ method: "PATCH", path: customerPath(id), ...fault });
    expectGatewayError(await rejectionOf(source.directory.updateContact(id, { phoneNumber: "1" })), code);
    expect(sim.calls.count({ method: "PATCH" })).toBe(1);
    expect(sim.calls.count()).toBe(1);
  });
});
