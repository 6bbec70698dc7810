import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FieldProblemsError } from "../../../src/errors/gateway-error.js";
import { startCustomerareaSimulator, type CustomerareaSimulator } from "../../../src/simulators/customerarea/server.js";
import { NOW, SOURCE_ID, closeSources, expectGatewayError, rejectionOf, sourceFor } from "./support.js";

/** The catalogue's writes (demo, bulk, renew, cancel) against the simulator's live data. None is ever retried. */

let sim: CustomerareaSimulator;

beforeAll(async () => {
  sim = await startCustomerareaSimulator({ now: () => NOW.getTime() });
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
const code = (n: number) => String(n);
const log = () => sim.calls.list().map((c) => `${c.method} ${c.path.replace("/customerarea/", "")} ${c.status}`);

function problemsOf(error: unknown) {
  expectGatewayError(error, "BAD_USER_INPUT");
  expect(error).toBeInstanceOf(FieldProblemsError);
  return (error as FieldProblemsError).problems;
}

describe("assignDemo", () => {
  it("assigns a running one-month trial: ACTIVE, under the customer's account", async () => {
    const customer = code(ex().customerWithoutLicencesCode);
    const licence = await sourceFor(sim).catalogue.assignDemo(customer, { lang: "fr", acceptNotifications: false });
    const raw = sim.data.licences.at(-1)!;
    expect(licence).toMatchObject({
      source: SOURCE_ID,
      externalId: String(raw.id),
      key: String(raw.id),
      type: raw.code,
      status: "ACTIVE",
      activatedAt: NOW,
      durationMonths: 1,
      account: { source: SOURCE_ID, externalId: customer },
      datalinks: null,
    });
    expect(licence.expiresAt).toEqual(new Date("2026-07-15T12:00:00Z"));
    expect(sim.inputs.last()).toMatchObject({
      method: "POST",
      source: "body",
      params: { customer_code: Number(customer), lang: "FR", accept_notifications: false },
    });
  });

  it("leaves out what the caller did not give, so the vendor's defaults apply", async () => {
    await sourceFor(sim).catalogue.assignDemo(code(ex().customerWithoutLicencesCode), {});
    expect(sim.inputs.last()!.params).toEqual({ customer_code: ex().customerWithoutLicencesCode });
  });

  it("the third demo for a customer is DEMO_LIMIT_REACHED on customerId; the vendor is asked once and health stays ok", async () => {
    const source = sourceFor(sim);
    const customer = code(ex().customerWithOneDemoUsedCode);
    await source.catalogue.assignDemo(customer, {});
    const error = expectGatewayError(await rejectionOf(source.catalogue.assignDemo(customer, {})), "DEMO_LIMIT_REACHED");
    expect(error.field).toEqual(["input", "customerId"]);
    expect(log()).toEqual(["POST licenses/demo 200", "POST licenses/demo 500"]);
    expect(source.health().state).toBe("ok");
  });

  it("a customer at the limit is refused at once", async () => {
    expectGatewayError(
      await rejectionOf(sourceFor(sim).catalogue.assignDemo(code(ex().customerAtDemoLimitCode), {})),
      "DEMO_LIMIT_REACHED",
    );
  });

  it("a limit keyed under customer_code is still recognised for a demo (by its words), but not for a bulk assignment", async () => {
    const body = {
      code: 500,
      message: "the given data was invalid",
      errors: { customer_code: ["The customer already had 2 demo licenses."] },
    };
    sim.fault({ path: /licenses\/(demo|bulk)$/, kind: "status", status: 500, body });
    const source = sourceFor(sim);
    expectGatewayError(await rejectionOf(source.catalogue.assignDemo("5003", {})), "DEMO_LIMIT_REACHED");
    const problems = problemsOf(await rejectionOf(source.catalogue.assignOffer("5003", { offerCode: "X", info: "HQ" })));
    // Updated for issue 13, item 7: the problem quoted the vendor's words; it is the gateway's sentence now.
    expect(problems).toEqual([{ field: ["input", "customerId"], message: "Customerarea refused the customer" }]);
  });

  it("an unsupported language is a problem on input.lang", async () => {
    const problems = problemsOf(
      await rejectionOf(sourceFor(sim).catalogue.assignDemo(code(ex().customerWithoutLicencesCode), { lang: "ZZ" })),
    );
    expect(problems).toEqual([{ field: ["input", "lang"], message: expect.any(String) }]);
  });

  it("an unknown customer is NOT_FOUND on customerId", async () => {
    const error = expectGatewayError(
      await rejectionOf(sourceFor(sim).catalogue.assignDemo(code(ex().unknownCustomerCode), {})),
      "NOT_FOUND",
    );
    expect(error.field).toEqual(["input", "customerId"]);
  });

  it("a malformed customer code is BAD_USER_INPUT and nothing is sent", async () => {
    expectGatewayError(await rejectionOf(sourceFor(sim).catalogue.assignDemo("12a", {})), "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });
});

describe("assignOffer (bulk)", () => {
  it("assigns a licence to be activated and the vendor charges the reseller's credit", async () => {
    const customer = code(ex().customerWithoutLicencesCode);
    const offerCode = ex().affordableLicenseCode;
    const price = sim.data.catalogue.find((p) => p.code === offerCode)!.amountEur;
    const creditBefore = sim.data.credit;
    const licence = await sourceFor(sim).catalogue.assignOffer(customer, {
      offerCode,
      info: "Headquarter",
      currency: "usd",
      acceptNotifications: true,
    });
    expect(licence).toMatchObject({
      source: SOURCE_ID,
      type: offerCode,
      status: "INACTIVE",
      activatedAt: null,
      expiresAt: null,
      durationMonths: sim.data.catalogue.find((p) => p.code === offerCode)!.durationMonths,
      account: { source: SOURCE_ID, externalId: customer },
    });
    expect(licence.key).toBe(licence.externalId);
    expect(sim.data.credit).toBeCloseTo(creditBefore - price, 2);
    expect(sim.inputs.last()!.params).toEqual({
      customer_code: Number(customer),
      license_code: offerCode,
      license_info: "Headquarter",
      accept_notifications: true,
      currency_code: "USD",
    });
  });

  it("the new licence is then listed under the account", async () => {
    const customer = code(ex().customerWithoutLicencesCode);
    const source = sourceFor(sim);
    const licence = await source.catalogue.assignOffer(customer, { offerCode: ex().affordableLicenseCode, info: "Warehouse" });
    const [listed] = await source.licensesOfAccounts([customer]);
    expect(listed).toEqual([licence]);
  });

  it("an offer dearer than the credit is INSUFFICIENT_CREDIT, nothing is charged, and it is not retried", async () => {
    const creditBefore = sim.data.credit;
    const source = sourceFor(sim);
    const error = await rejectionOf(
      source.catalogue.assignOffer(code(ex().customerWithoutLicencesCode), { offerCode: ex().tooExpensiveLicenseCode, info: "HQ" }),
    );
    expectGatewayError(error, "INSUFFICIENT_CREDIT");
    expect(sim.data.credit).toBe(creditBefore);
    expect(log()).toEqual(["POST licenses/bulk 500"]);
    expect(source.health().state).toBe("ok");
  });

  it("every refused parameter is one problem at its GraphQL input path", async () => {
    const error = await rejectionOf(
      sourceFor(sim).catalogue.assignOffer(code(ex().customerWithoutLicencesCode), {
        offerCode: "NO-SUCH-OFFER",
        info: " ",
        currency: "XYZ",
      }),
    );
    const problems = problemsOf(error);
    expect(problems).toEqual([
      { field: ["input", "offerCode"], message: expect.any(String) },
      { field: ["input", "info"], message: expect.any(String) },
      { field: ["input", "currency"], message: expect.any(String) },
    ]);
    expect(error).toMatchObject({ upstreamStatus: 500 });
  });

  it("a field the gateway does not know points at the whole input", async () => {
    const body = {
      code: 500,
      message: "the given data was invalid",
      errors: { reseller_id: ["The reseller id is invalid."], customer_code: ["bad"] },
    };
    sim.fault({ path: "/customerarea/licenses/bulk", kind: "status", status: 500, body });
    const problems = problemsOf(await rejectionOf(sourceFor(sim).catalogue.assignOffer("5001", { offerCode: "X", info: "HQ" })));
    // Updated for issue 13, item 7: the problems quoted the vendor's words; they are the gateway's sentences now.
    expect(problems).toEqual([
      { field: ["input"], message: "Customerarea refused the request" },
      { field: ["input", "customerId"], message: "Customerarea refused the customer" },
    ]);
  });
});

describe("renew", () => {
  it("renews a licence: the answer is its successor; the old one reads renewed and stays ACTIVE until its end", async () => {
    const customer = code(ex().customerWithLicencesCode);
    const oldId = String(ex().activeLicenceId);
    const oldRaw = sim.data.licences.find((l) => l.id === ex().activeLicenceId)!;
    const source = sourceFor(sim);
    const renewal = await source.catalogue.renew(customer, oldId);
    expect(renewal.externalId).not.toBe(oldId);
    expect(renewal).toMatchObject({
      status: "ACTIVE",
      type: oldRaw.code,
      activatedAt: new Date(`${oldRaw.expirationDate!.replace(" ", "T")}Z`),
    });
    expect(renewal.account).toEqual({ source: SOURCE_ID, externalId: customer });
    // license_id and customer_code are documented as Strings for renew.
    expect(sim.inputs.last()!.params).toEqual({ license_id: oldId, customer_code: customer });
    expect(oldRaw.status).toBe("renewed");
    const [listed] = await source.licensesOfAccounts([customer]);
    expect((listed as { externalId: string; status: string }[]).find((l) => l.externalId === oldId)?.status).toBe("ACTIVE");
  });

  it("a licence the vendor will not renew is a problem on licenseId", async () => {
    const error = await rejectionOf(
      sourceFor(sim).catalogue.renew(code(ex().customerWithLicencesCode), String(ex().toBeActivatedLicenceId)),
    );
    expect(problemsOf(error)).toEqual([{ field: ["input", "licenseId"], message: expect.stringMatching(/cannot be renewed/) }]);
  });

  it("an unknown licence is NOT_FOUND on licenseId", async () => {
    const error = expectGatewayError(
      await rejectionOf(sourceFor(sim).catalogue.renew(code(ex().customerWithLicencesCode), "424242")),
      "NOT_FOUND",
    );
    expect(error.field).toEqual(["input", "licenseId"]);
    expect(error.message).toMatch(/424242/);
  });

  it("a renewal the credit does not cover is INSUFFICIENT_CREDIT", async () => {
    sim.data.credit = 1;
    expectGatewayError(
      await rejectionOf(sourceFor(sim).catalogue.renew(code(ex().customerWithLicencesCode), String(ex().activeLicenceId))),
      "INSUFFICIENT_CREDIT",
    );
  });
});

describe("cancel", () => {
  it("deletes the licence at the vendor; it is no longer listed", async () => {
    const customer = code(ex().customerWithLicencesCode);
    const id = String(ex().expiredLicenceId);
    const source = sourceFor(sim);
    await expect(source.catalogue.cancel(customer, id)).resolves.toBeUndefined();
    expect(sim.inputs.last()!.params).toEqual({ license_id: id, customer_code: customer });
    const [listed] = await source.licensesOfAccounts([customer]);
    expect((listed as { externalId: string }[]).map((l) => l.externalId)).not.toContain(id);
  });

  it("an unknown licence is NOT_FOUND", async () => {
    expectGatewayError(await rejectionOf(sourceFor(sim).catalogue.cancel(code(ex().customerWithLicencesCode), "424242")), "NOT_FOUND");
  });

  it.each([{ deleted: false }, {}, null, { deleted: "true" }])(
    "an answer of %j is UPSTREAM_BAD_RESPONSE, not a confirmation",
    async (content) => {
      sim.fault({ path: "/customerarea/licenses/delete", kind: "status", status: 200, body: { code: 200, content } });
      const error = await rejectionOf(sourceFor(sim).catalogue.cancel(code(ex().customerWithLicencesCode), String(ex().expiredLicenceId)));
      expectGatewayError(error, "UPSTREAM_BAD_RESPONSE");
    },
  );

  it("an empty licence id is refused before any call", async () => {
    expectGatewayError(await rejectionOf(sourceFor(sim).catalogue.cancel(code(ex().customerWithLicencesCode), "")), "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });
});

describe("no write is retried", () => {
  it.each([
    ["demo", (s: ReturnType<typeof sourceFor>) => s.catalogue.assignDemo("5003", {})],
    ["bulk", (s: ReturnType<typeof sourceFor>) => s.catalogue.assignOffer("5003", { offerCode: "FS-CLOUD-12M-V2", info: "HQ" })],
    ["renew", (s: ReturnType<typeof sourceFor>) => s.catalogue.renew("5001", "1001")],
    ["delete", (s: ReturnType<typeof sourceFor>) => s.catalogue.cancel("5001", "1002")],
  ] as const)("licenses/%s: a 500, a reset and a timeout are each sent once", async (path, write) => {
    const source = sourceFor(sim, { timeoutMs: 300 });
    for (const [kind, expected] of [
      ["status", "UPSTREAM_UNAVAILABLE"],
      ["reset", "UPSTREAM_UNAVAILABLE"],
      ["timeout", "UPSTREAM_TIMEOUT"],
    ] as const) {
      sim.calls.reset();
      sim.clearFaults();
      sim.fault(
        kind === "status"
          ? { path: `/customerarea/licenses/${path}`, kind, status: 500 }
          : { path: `/customerarea/licenses/${path}`, kind },
      );
      expectGatewayError(await rejectionOf(write(source)), expected);
      expect(sim.calls.count()).toBe(1);
    }
  });
});
