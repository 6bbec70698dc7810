import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EUR_RATES } from "../../../src/simulators/customerarea/data.js";
import { startCustomerareaSimulator, type CustomerareaSimulator } from "../../../src/simulators/customerarea/server.js";
import { API_KEY, NOW, SOURCE_ID, closeSources, expectGatewayError, rejectionOf, sourceFor } from "./support.js";

/** Licences of accounts and the catalogue's offers, against the simulator's seeded data. */

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
const utc = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

async function licencesOf(code: number | string) {
  const [result] = await sourceFor(sim).licensesOfAccounts([String(code)]);
  if (result instanceof Error) throw result;
  return result!;
}

describe("licensesOfAccounts", () => {
  it("maps an active licence field by field", async () => {
    const licences = await licencesOf(ex().customerWithLicencesCode);
    const raw = sim.data.licences.find((l) => l.id === ex().activeLicenceId)!;
    const id = String(ex().activeLicenceId);
    expect(licences.find((l) => l.externalId === id)).toEqual({
      source: SOURCE_ID,
      externalId: id,
      key: id,
      type: raw.code,
      status: "ACTIVE",
      gridKw: null,
      solarKw: null,
      batteryKw: null,
      evKw: null,
      createdAt: null,
      activatedAt: utc(raw.activationDate!),
      expiresAt: utc(raw.expirationDate!),
      deactivatedAt: null,
      durationMonths: raw.durationMonths,
      features: null,
      maxControllers: null,
      account: { source: SOURCE_ID, externalId: String(ex().customerWithLicencesCode) },
      customerId: null,
      datalinks: null,
    });
  });

  it("maps each vendor status: active ACTIVE, expired EXPIRED, to_be_activated INACTIVE, renewed past its end EXPIRED, trial past its end EXPIRED", async () => {
    const licences = await licencesOf(ex().customerWithLicencesCode);
    const status = (id: number) => licences.find((l) => l.externalId === String(id))?.status;
    expect(status(ex().activeLicenceId)).toBe("ACTIVE");
    expect(status(ex().expiredLicenceId)).toBe("EXPIRED");
    expect(status(ex().toBeActivatedLicenceId)).toBe("INACTIVE");
    expect(status(ex().renewedLicenceId)).toBe("EXPIRED");
    expect(status(ex().renewalOfRenewedLicenceId)).toBe("ACTIVE");
    expect(status(ex().expiredTrialLicenceId)).toBe("EXPIRED");
    const inactive = licences.find((l) => l.externalId === String(ex().toBeActivatedLicenceId))!;
    expect({ activatedAt: inactive.activatedAt, expiresAt: inactive.expiresAt }).toEqual({ activatedAt: null, expiresAt: null });
    expect(licences.map((l) => l.externalId)).toEqual(
      sim.data.licences.filter((l) => l.customerCode === ex().customerWithLicencesCode).map((l) => String(l.id)),
    );
  });

  it("a running trial is ACTIVE; a still-running renewed licence is ACTIVE until its end", async () => {
    const running = sim.data.licences.find((l) => l.id === ex().expiredTrialLicenceId)!;
    running.activationDate = "2026-06-01 10:00:00";
    running.expirationDate = "2026-07-01 10:00:00";
    const renewed = sim.data.licences.find((l) => l.id === ex().renewedLicenceId)!;
    renewed.expirationDate = "2026-12-31 00:00:00";
    const licences = await licencesOf(ex().customerWithLicencesCode);
    expect(licences.find((l) => l.externalId === String(running.id))).toMatchObject({
      status: "ACTIVE",
      expiresAt: utc("2026-07-01 10:00:00"),
    });
    expect(licences.find((l) => l.externalId === String(renewed.id))?.status).toBe("ACTIVE");
  });

  it("a licence whose expiry the vendor reports as passed but still calls active is EXPIRED by its dates", async () => {
    const source = sourceFor(sim, {}, () => new Date("2029-01-01T00:00:00Z"));
    const [result] = await source.licensesOfAccounts([String(ex().customerWithLicencesCode)]);
    if (!Array.isArray(result)) throw result;
    const active = result.find((l) => l.externalId === String(ex().activeLicenceId))!;
    expect(active.status).toBe("EXPIRED");
  });

  it("reads ISO 8601 and plain dates as well as 'YYYY-MM-DD HH:MM:SS'", async () => {
    const raw = sim.data.licences.find((l) => l.id === ex().activeLicenceId)!;
    raw.activationDate = "2025-02-01T11:00:00+02:00";
    raw.expirationDate = "2028-02-01";
    const licence = (await licencesOf(ex().customerWithLicencesCode)).find((l) => l.externalId === String(raw.id))!;
    expect(licence.activatedAt).toEqual(new Date("2025-02-01T09:00:00Z"));
    expect(licence.expiresAt).toEqual(new Date("2028-02-01T00:00:00Z"));
  });

  it("a customer without licences has none", async () => {
    expect(await licencesOf(ex().customerWithoutLicencesCode)).toEqual([]);
  });

  it("one slot per account, in order: an unknown customer is NOT_FOUND and a malformed code BAD_USER_INPUT, alone", async () => {
    const source = sourceFor(sim);
    const results = await source.licensesOfAccounts([
      String(ex().customerWithLicencesCode),
      String(ex().unknownCustomerCode),
      "abc",
      String(ex().customerAtDemoLimitCode),
    ]);
    expect(Array.isArray(results[0])).toBe(true);
    expectGatewayError(results[1], "NOT_FOUND");
    expectGatewayError(results[2], "BAD_USER_INPUT");
    expect(Array.isArray(results[3])).toBe(true);
    // The malformed code never reached the vendor.
    expect(sim.calls.count({ path: "/customerarea/licenses" })).toBe(3);
  });

  it("sends customer_code as a JSON number in the body of the GET, with the API key", async () => {
    await licencesOf(ex().customerWithLicencesCode);
    expect(sim.inputs.last()).toMatchObject({
      method: "GET",
      path: "/customerarea/licenses",
      source: "body",
      queryKeys: [],
      params: { customer_code: ex().customerWithLicencesCode },
      apiKey: true,
    });
  });
});

describe("validateAccountId", () => {
  it.each(["1", "5001", "9007199254740991"])("accepts %s", (id) => {
    expect(sourceFor(sim).validateAccountId(id)).toBeNull();
  });
  it.each(["0", "-1", "01", "1.5", "abc", "", " 5001", "9007199254740993"])("refuses %j", (id) => {
    expect(sourceFor(sim).validateAccountId(id)).toMatch(/positive integer/);
  });
});

describe("catalogue.offers", () => {
  const customer = () => String(ex().customerWithLicencesCode);

  it("lists the whole catalogue in EUR and English by default, sending only customer_code", async () => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), {});
    expect(offers).toHaveLength(sim.data.catalogue.length);
    const entry = sim.data.catalogue[0]!;
    expect(offers[0]).toEqual({
      source: SOURCE_ID,
      code: entry.code,
      name: entry.names.EN,
      durationMonths: entry.durationMonths,
      version: String(entry.version),
      quantity: entry.quantity,
      points: entry.points,
      price: entry.amountEur,
      currency: "EUR",
    });
    expect(sim.inputs.last()).toMatchObject({ method: "GET", source: "body", params: { customer_code: Number(customer()) } });
    expect(Object.keys(sim.inputs.last()!.params)).toEqual(["customer_code"]);
  });

  it("filters by version (sent as a number)", async () => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), { version: "2" });
    expect(offers.map((o) => o.code)).toEqual(sim.data.catalogue.filter((p) => p.version === 2).map((p) => p.code));
    expect(sim.inputs.last()!.params).toEqual({ customer_code: Number(customer()), version_code: 2 });
  });

  it("filters by duration (sent as a string, as documented)", async () => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), { durationMonths: 12 });
    expect(offers.map((o) => o.code)).toEqual(sim.data.catalogue.filter((p) => p.durationMonths === 12).map((p) => p.code));
    expect(sim.inputs.last()!.params).toEqual({ customer_code: Number(customer()), license_duration: "12" });
  });

  it("filters by code", async () => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), { code: ex().affordableLicenseCode });
    expect(offers.map((o) => o.code)).toEqual([ex().affordableLicenseCode]);
  });

  it("names in the requested language", async () => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), { lang: "it", code: ex().affordableLicenseCode });
    expect(offers[0]!.name).toBe(sim.data.catalogue.find((p) => p.code === ex().affordableLicenseCode)!.names.IT);
    expect(sim.inputs.last()!.params).toMatchObject({ lang: "IT" });
  });

  it.each(["USD", "GBP"] as const)("prices in %s", async (currency) => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), { currency: currency.toLowerCase() });
    const entry = sim.data.catalogue.find((p) => p.code === offers[0]!.code)!;
    expect(offers[0]).toMatchObject({ currency, price: Math.round(entry.amountEur * EUR_RATES[currency] * 100) / 100 });
    expect(offers.every((o) => o.currency === currency)).toBe(true);
  });

  it("combines every filter", async () => {
    const offers = await sourceFor(sim).catalogue.offers(customer(), { version: "2", durationMonths: 36, lang: "DE", currency: "USD" });
    expect(offers.map((o) => o.code)).toEqual(
      sim.data.catalogue.filter((p) => p.version === 2 && p.durationMonths === 36).map((p) => p.code),
    );
    expect(sim.inputs.last()!.params).toEqual({
      customer_code: Number(customer()),
      lang: "DE",
      version_code: 2,
      license_duration: "36",
      currency_code: "USD",
    });
  });

  it("an unknown currency and language are refused per field, at the query's argument paths", async () => {
    const error = await rejectionOf(sourceFor(sim).catalogue.offers(customer(), { currency: "XYZ", lang: "ZZ" }));
    expectGatewayError(error, "BAD_USER_INPUT");
    expect((error as { problems: unknown }).problems).toEqual([
      { field: ["lang"], message: expect.any(String) },
      { field: ["currency"], message: expect.any(String) },
    ]);
  });

  it("a version that is not a number is refused before any call", async () => {
    const error = await rejectionOf(sourceFor(sim).catalogue.offers(customer(), { version: "v2" }));
    expectGatewayError(error, "BAD_USER_INPUT");
    expect((error as { problems: unknown }).problems).toEqual([{ field: ["version"], message: expect.stringMatching(/whole number/) }]);
    expect(sim.calls.count()).toBe(0);
  });

  it("an unknown customer is NOT_FOUND", async () => {
    expectGatewayError(await rejectionOf(sourceFor(sim).catalogue.offers(String(ex().unknownCustomerCode), {})), "NOT_FOUND");
  });
});

describe("on the wire", () => {
  let server: Server;
  let url: string;
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 200, content: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/customerarea/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("a GET carries its parameters as a JSON body and the key in X-API-KEY, nothing in the query", async () => {
    seen.length = 0;
    await sourceFor({ url }).catalogue.offers("5001", { code: "FS-X" });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req).toMatchObject({ method: "GET", url: "/customerarea/licenses/available" });
    expect(req!.headers["x-api-key"]).toBe(API_KEY);
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req!.body)).toEqual({ customer_code: 5001, license_code: "FS-X" });
  });
});
