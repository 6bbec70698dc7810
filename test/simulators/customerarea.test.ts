import { request } from "undici";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { customerareaDemoData, DEFAULT_CREDIT_EUR } from "../../src/simulators/customerarea/data.js";
import { startCustomerareaSimulator, type CustomerareaSimulator } from "../../src/simulators/customerarea/server.js";

const KEY = "demo-flashstart-key";
const NOW = Date.parse("2026-06-15T12:00:00Z");
const demo = customerareaDemoData();
const ex = demo.examples;

let sim: CustomerareaSimulator;
let clock = NOW;

beforeAll(async () => {
  sim = await startCustomerareaSimulator({ now: () => clock });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  clock = NOW;
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; `any` because the assertions read many vendor shapes. */
  json: any;
}

/**
 * One call with undici.request, which (unlike fetch) sends a body on GET as the vendor documents. `body` goes as
 * JSON, `query` in the URL; `key: null` sends no X-API-KEY.
 */
async function ca(
  method: "GET" | "POST" | "PUT",
  path: string,
  init: { body?: unknown; rawBody?: string; contentType?: string; query?: Record<string, string>; key?: string | null; base?: string } = {},
): Promise<Answer> {
  const url = new URL(path, init.base ?? sim.url);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (init.key !== null) headers["x-api-key"] = init.key ?? KEY;
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  const res = await request(url, { method, headers, body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text === "" ? undefined : JSON.parse(text) };
}

const validation = (errors: Record<string, string[]>) => ({ code: 500, message: "the given data was invalid", errors });
const customerNotFound = { code: 404, message: "customer not found" };
const licenceNotFound = { code: 404, message: "license not found" };

async function licencesOf(customerCode: number): Promise<any[]> {
  const res = await ca("GET", "licenses", { body: { customer_code: customerCode } });
  expect(res.status).toBe(200);
  return res.json.content as any[];
}

describe("authentication", () => {
  it("answers a missing or wrong X-API-KEY with the documented 401 on every operation", async () => {
    const unauthorized = { message: "invalid token or unauthorized admin" };
    const ops: ["GET" | "POST", string][] = [
      ["GET", "licenses/available"],
      ["POST", "licenses/demo"],
      ["POST", "licenses/bulk"],
      ["POST", "licenses/renew"],
      ["POST", "licenses/delete"],
      ["GET", "licenses"],
    ];
    for (const [method, path] of ops) {
      const missing = await ca(method, path, { key: null, body: { customer_code: 5001 } });
      expect([missing.status, missing.json], path).toEqual([401, unauthorized]);
      const wrong = await ca(method, path, { key: "nope", body: { customer_code: 5001 } });
      expect([wrong.status, wrong.json], path).toEqual([401, unauthorized]);
    }
    expect(sim.data).toEqual({ ...customerareaDemoData(), examples: sim.data.examples });
  });

  it("accepts the keys given in apiKeys and only those", async () => {
    const custom = await startCustomerareaSimulator({ apiKeys: ["k1", "k2"] });
    try {
      for (const key of ["k1", "k2"])
        expect((await ca("GET", "licenses", { base: custom.url, key, body: { customer_code: 5001 } })).status).toBe(200);
      expect((await ca("GET", "licenses", { base: custom.url, key: KEY, body: { customer_code: 5001 } })).status).toBe(401);
    } finally {
      await custom.close();
    }
  });
});

describe("parameters", () => {
  it("reads a JSON body on GET, as the vendor documents, and records where parameters came from", async () => {
    const res = await ca("GET", "licenses/available", { body: { customer_code: 5001, license_code: "FS-CLOUD-1M-V1" } });
    expect(res.status).toBe(200);
    expect(res.json.content.map((o: any) => o.license_code)).toEqual(["FS-CLOUD-1M-V1"]);
    expect(sim.inputs.last()).toMatchObject({
      method: "GET",
      path: "/customerarea/licenses/available",
      source: "body",
      bodyKeys: ["customer_code", "license_code"],
      queryKeys: [],
      apiKey: true,
    });
  });

  it("reads the query string (global fetch, no body) and lets the body win over it", async () => {
    const viaFetch = await fetch(`${sim.url}licenses/available?customer_code=5001&version_code=1`, { headers: { "x-api-key": KEY } });
    const body = (await viaFetch.json()) as { code: number; content: { license_version: number }[] };
    expect(body.code).toBe(200);
    expect(body.content.length).toBeGreaterThan(0);
    expect(body.content.every((o) => o.license_version === 1)).toBe(true);
    expect(sim.inputs.last()).toMatchObject({ source: "query", queryKeys: ["customer_code", "version_code"] });

    const both = await ca("GET", "licenses/available", { query: { customer_code: "5001", version_code: "1" }, body: { version_code: 2 } });
    expect(both.json.content.every((o: any) => o.license_version === 2)).toBe(true);
    expect(sim.inputs.last()).toMatchObject({ source: "both", params: { customer_code: "5001", version_code: 2 } });
    expect(sim.calls.list().at(-1)!.query).toEqual({ customer_code: "5001", version_code: "1" });
  });

  it("treats a body that is not a JSON object as no parameters (a validation error, not a 400)", async () => {
    for (const rawBody of ["{not json", "[5001]", '"5001"']) {
      const res = await ca("POST", "licenses/demo", { rawBody });
      expect([res.status, res.json], rawBody).toEqual([500, validation({ customer_code: ["The customer code field is required."] })]);
    }
    expect(sim.inputs.last()!.source).toBe("none");
  });

  it("reads a form-encoded body and a JSON body sent without a content type", async () => {
    const form = await ca("POST", "licenses/demo", { rawBody: "customer_code=5003", contentType: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(200);
    const url = new URL("licenses", sim.url);
    const res = await request(url, { method: "GET", headers: { "x-api-key": KEY }, body: '{"customer_code":5003}' });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { content: unknown[] }).content).toHaveLength(1);
  });
});

describe("validation", () => {
  it("answers each missing required field with Laravel's message, all fields at once", async () => {
    expect((await ca("GET", "licenses/available", { body: {} })).json).toEqual(
      validation({ customer_code: ["The customer code field is required."] }),
    );
    const bulk = await ca("POST", "licenses/bulk", { body: {} });
    expect(bulk.status).toBe(500);
    expect(bulk.json).toEqual(
      validation({
        customer_code: ["The customer code field is required."],
        license_code: ["The license code field is required."],
        license_info: ["The license info field is required."],
      }),
    );
    for (const path of ["licenses/renew", "licenses/delete"]) {
      expect((await ca("POST", path, { body: {} })).json, path).toEqual(
        validation({ license_id: ["The license id field is required."], customer_code: ["The customer code field is required."] }),
      );
    }
  });

  it("checks types: numbers, strings, booleans, lengths; trims and treats empty strings as missing", async () => {
    const res = await ca("POST", "licenses/bulk", {
      body: { customer_code: "50a1", license_code: 7, license_info: "x".repeat(256), accept_notifications: "true", currency_code: "JPY" },
    });
    expect(res.json).toEqual(
      validation({
        customer_code: ["The customer code must be a number."],
        license_code: ["The license code must be a string."],
        license_info: ["The license info must not be greater than 255 characters."],
        accept_notifications: ["The accept notifications field must be true or false."],
        currency_code: ["The selected currency code is invalid."],
      }),
    );
    const blank = await ca("POST", "licenses/bulk", {
      body: { customer_code: " 5001 ", license_code: "FS-CLOUD-1M-V1", license_info: "   " },
    });
    expect(blank.json).toEqual(validation({ license_info: ["The license info field is required."] }));
    const available = await ca("GET", "licenses/available", {
      body: { customer_code: 5001, lang: "es", version_code: "two", license_duration: "a year" },
    });
    expect(available.json.errors).toEqual({
      lang: ["The selected lang is invalid."],
      version_code: ["The version code must be a number."],
      license_duration: ["The license duration must be a number."],
    });
  });

  it("takes Laravel's boolean set for accept_notifications", async () => {
    for (const value of [true, false, 1, 0, "1", "0"]) {
      const res = await ca("POST", "licenses/bulk", {
        body: { customer_code: 5003, license_code: "FS-CLOUD-1M-V1", license_info: "Office", accept_notifications: value },
      });
      expect(res.status, JSON.stringify(value)).toBe(200);
    }
    for (const value of ["true", "yes", 2]) {
      const res = await ca("POST", "licenses/demo", { body: { customer_code: 5003, accept_notifications: value } });
      expect(res.json.errors, JSON.stringify(value)).toEqual({
        accept_notifications: ["The accept notifications field must be true or false."],
      });
    }
  });

  it("answers an unknown customer with 404 on every operation", async () => {
    const code = ex.unknownCustomerCode;
    const bodies: ["GET" | "POST", string, Record<string, unknown>][] = [
      ["GET", "licenses/available", { customer_code: code }],
      ["POST", "licenses/demo", { customer_code: code }],
      ["POST", "licenses/bulk", { customer_code: code, license_code: ex.affordableLicenseCode, license_info: "HQ" }],
      ["POST", "licenses/renew", { customer_code: code, license_id: ex.activeLicenceId }],
      ["POST", "licenses/delete", { customer_code: code, license_id: ex.activeLicenceId }],
      ["GET", "licenses", { customer_code: code }],
    ];
    for (const [method, path, body] of bodies) {
      const res = await ca(method, path, { body });
      expect([res.status, res.json], path).toEqual([404, customerNotFound]);
    }
    expect(sim.data.credit).toBe(DEFAULT_CREDIT_EUR);
  });
});

describe("GET licenses/available", () => {
  it("lists the catalogue in the contract's shape, in EUR and English by default", async () => {
    const res = await ca("GET", "licenses/available", { body: { customer_code: ex.customerWithoutLicencesCode } });
    expect(res.json.code).toBe(200);
    const offers = res.json.content as any[];
    expect(offers).toHaveLength(demo.catalogue.length);
    for (const offer of offers) {
      expect(Object.keys(offer).sort()).toEqual(
        [
          "license_amount",
          "license_amount_currency",
          "license_code",
          "license_duration_months",
          "license_name",
          "license_points",
          "license_quantity",
          "license_version",
        ].sort(),
      );
      expect(offer.license_amount_currency).toBe("EUR");
    }
    expect(offers.find((o) => o.license_code === "FS-CLOUD-12M-V2")).toEqual({
      license_code: "FS-CLOUD-12M-V2",
      license_name: "FlashStart Cloud v2 12 months",
      license_duration_months: 12,
      license_version: 2,
      license_quantity: 25,
      license_points: 12,
      license_amount: 119,
      license_amount_currency: "EUR",
    });
  });

  it("filters by version, duration and code, and an unknown code filters to nothing", async () => {
    const get = async (body: Record<string, unknown>) =>
      ((await ca("GET", "licenses/available", { body: { customer_code: 5001, ...body } })).json.content as any[]).map(
        (o) => o.license_code,
      );
    expect(await get({ version_code: 1 })).toEqual(["FS-CLOUD-1M-V1", "FS-CLOUD-12M-V1"]);
    expect(await get({ license_duration: "36" })).toEqual(["FS-CLOUD-36M-V2", "FS-CLOUD-PRO-36M-V2"]);
    expect(await get({ license_duration: 12, version_code: "2" })).toEqual(["FS-CLOUD-12M-V2"]);
    expect(await get({ license_code: "fs-cloud-24m-v2" })).toEqual(["FS-CLOUD-24M-V2"]);
    expect(await get({ license_code: "NOPE" })).toEqual([]);
  });

  it("converts prices at fixed rates and names products in EN, IT, FR and DE", async () => {
    const offer = async (body: Record<string, unknown>) =>
      (await ca("GET", "licenses/available", { body: { customer_code: 5001, license_code: "FS-CLOUD-12M-V2", ...body } })).json.content[0];
    expect(await offer({ currency_code: "USD" })).toMatchObject({ license_amount: 128.52, license_amount_currency: "USD" });
    expect(await offer({ currency_code: "gbp" })).toMatchObject({ license_amount: 102.34, license_amount_currency: "GBP" });
    expect((await offer({ lang: "IT" })).license_name).toBe("FlashStart Cloud v2 12 mesi");
    expect((await offer({ lang: "fr" })).license_name).toBe("FlashStart Cloud v2 12 mois");
    expect((await offer({ lang: "DE" })).license_name).toBe("FlashStart Cloud v2 12 Monate");
  });
});

describe("POST licenses/demo", () => {
  it("assigns a one-month trial from now, in the customer's language", async () => {
    const res = await ca("POST", "licenses/demo", { body: { customer_code: ex.customerWithoutLicencesCode, lang: "IT" } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      code: 200,
      content: {
        license_id: 1011,
        license_code: "FS-CLOUD-DEMO",
        license_name: "FlashStart Cloud Demo 1 mese",
        license_info: "Demo",
        status: "trial",
        activation_date: "2026-06-15 12:00:00",
        expiration_date: "2026-07-15 12:00:00",
        license_duration_months: 1,
      },
    });
    expect(await licencesOf(ex.customerWithoutLicencesCode)).toEqual([res.json.content]);
    clock = Date.parse("2026-07-15T12:00:00Z");
    expect((await licencesOf(ex.customerWithoutLicencesCode))[0].status).toBe("expired");
  });

  it("allows two demos per customer, counted over the customer's history", async () => {
    const refused = validation({ demo: ["The customer has already been assigned the maximum number of demo licenses (2)."] });
    const fresh = ex.customerWithoutLicencesCode;
    expect((await ca("POST", "licenses/demo", { body: { customer_code: fresh } })).status).toBe(200);
    const second = await ca("POST", "licenses/demo", { body: { customer_code: String(fresh) } });
    expect(second.status).toBe(200);
    const third = await ca("POST", "licenses/demo", { body: { customer_code: fresh } });
    expect([third.status, third.json]).toEqual([500, refused]);

    // Deleting a trial does not give the demo back.
    await ca("POST", "licenses/delete", { body: { customer_code: fresh, license_id: second.json.content.license_id } });
    expect((await ca("POST", "licenses/demo", { body: { customer_code: fresh } })).json).toEqual(refused);

    expect((await ca("POST", "licenses/demo", { body: { customer_code: ex.customerWithOneDemoUsedCode } })).status).toBe(200);
    expect((await ca("POST", "licenses/demo", { body: { customer_code: ex.customerWithOneDemoUsedCode } })).json).toEqual(refused);
    expect((await ca("POST", "licenses/demo", { body: { customer_code: ex.customerAtDemoLimitCode } })).json).toEqual(refused);
  });
});

describe("POST licenses/bulk", () => {
  it("assigns a to_be_activated licence and deducts its price from the credit", async () => {
    const res = await ca("POST", "licenses/bulk", {
      body: { customer_code: 5003, license_code: ex.affordableLicenseCode, license_info: "Headquarter", currency_code: "USD" },
    });
    expect(res.status).toBe(200);
    expect(res.json.content).toEqual({
      license_id: 1011,
      license_code: "FS-CLOUD-12M-V2",
      license_name: "FlashStart Cloud v2 12 months",
      license_info: "Headquarter",
      status: "to_be_activated",
      activation_date: null,
      expiration_date: null,
      license_duration_months: 12,
      license_amount: 128.52,
      license_amount_currency: "USD",
    });
    expect(sim.data.credit).toBe(381);
    const { license_amount: _a, license_amount_currency: _c, ...licence } = res.json.content;
    expect(await licencesOf(5003)).toEqual([licence]);
  });

  it("refuses a licence the credit does not cover, changing nothing, and accepts one it exactly covers", async () => {
    const res = await ca("POST", "licenses/bulk", {
      body: { customer_code: 5003, license_code: ex.tooExpensiveLicenseCode, license_info: "HQ" },
    });
    expect([res.status, res.json]).toEqual([
      500,
      validation({ credit: ["The reseller credit (500.00 EUR) is not enough for this license (1490.00 EUR)."] }),
    ]);
    expect(sim.data.credit).toBe(500);
    expect(await licencesOf(5003)).toEqual([]);

    sim.data.credit = 299;
    expect(
      (await ca("POST", "licenses/bulk", { body: { customer_code: 5003, license_code: "FS-CLOUD-36M-V2", license_info: "HQ" } })).status,
    ).toBe(200);
    expect(sim.data.credit).toBe(0);
    const broke = await ca("POST", "licenses/bulk", { body: { customer_code: 5003, license_code: "FS-CLOUD-1M-V1", license_info: "HQ" } });
    expect(Object.keys(broke.json.errors)).toEqual(["credit"]);
  });

  it("refuses an unknown license code and takes a known one in any case", async () => {
    const res = await ca("POST", "licenses/bulk", { body: { customer_code: 5003, license_code: "FS-NOPE", license_info: "HQ" } });
    expect(res.json).toEqual(validation({ license_code: ["The selected license code is invalid."] }));
    const lower = await ca("POST", "licenses/bulk", { body: { customer_code: 5003, license_code: "fs-cloud-1m-v1", license_info: "HQ" } });
    expect(lower.json.content.license_code).toBe("FS-CLOUD-1M-V1");
    expect(sim.data.credit).toBe(490.1);
  });

  it("starts the credit where the credit option says", async () => {
    const poor = await startCustomerareaSimulator({ credit: 50 });
    try {
      const res = await ca("POST", "licenses/bulk", {
        base: poor.url,
        body: { customer_code: 5003, license_code: ex.affordableLicenseCode, license_info: "HQ" },
      });
      expect(res.json.errors.credit).toHaveLength(1);
      poor.data.credit = 1000;
      poor.reset();
      expect(poor.data.credit).toBe(50);
    } finally {
      await poor.close();
    }
  });
});

describe("POST licenses/renew", () => {
  it("replaces an active licence by one that starts when it ends, and charges the price", async () => {
    const res = await ca("POST", "licenses/renew", { body: { license_id: String(ex.activeLicenceId), customer_code: "5001" } });
    expect(res.status).toBe(200);
    expect(res.json.content).toEqual({
      license_id: 1011,
      license_code: "FS-CLOUD-36M-V2",
      license_name: "FlashStart Cloud v2 36 mesi",
      license_info: "Headquarter",
      status: "active",
      activation_date: "2028-02-01 09:00:00",
      expiration_date: "2031-02-01 09:00:00",
      license_duration_months: 36,
      license_amount: 299,
      license_amount_currency: "EUR",
    });
    expect(sim.data.credit).toBe(201);
    const byId = new Map((await licencesOf(5001)).map((l) => [l.license_id, l]));
    expect(byId.get(ex.activeLicenceId).status).toBe("renewed");
    expect(byId.get(1011).status).toBe("active");
  });

  it("renews an expired licence from now", async () => {
    const res = await ca("POST", "licenses/renew", { body: { license_id: ex.expiredLicenceId, customer_code: 5001 } });
    expect(res.json.content).toMatchObject({
      status: "active",
      activation_date: "2026-06-15 12:00:00",
      expiration_date: "2026-07-15 12:00:00",
      license_amount: 9.9,
    });
    expect(sim.data.credit).toBe(490.1);
  });

  it("refuses trials, to_be_activated and renewed licences, and licences the credit does not cover", async () => {
    for (const id of [ex.expiredTrialLicenceId, ex.toBeActivatedLicenceId, ex.renewedLicenceId]) {
      const res = await ca("POST", "licenses/renew", { body: { license_id: id, customer_code: 5001 } });
      expect(res.status, String(id)).toBe(500);
      expect(Object.keys(res.json.errors), String(id)).toEqual(["license_id"]);
    }
    sim.data.credit = 100;
    const poor = await ca("POST", "licenses/renew", { body: { license_id: ex.activeLicenceId, customer_code: 5001 } });
    expect(Object.keys(poor.json.errors)).toEqual(["credit"]);
    expect((await licencesOf(5001)).find((l) => l.license_id === ex.activeLicenceId).status).toBe("active");
  });

  it("answers an unknown licence, or another customer's, with 404", async () => {
    for (const body of [
      { license_id: 424242, customer_code: 5001 },
      { license_id: ex.activeLicenceId, customer_code: ex.customerAtDemoLimitCode },
    ]) {
      const res = await ca("POST", "licenses/renew", { body });
      expect([res.status, res.json]).toEqual([404, licenceNotFound]);
    }
    expect(sim.data.credit).toBe(DEFAULT_CREDIT_EUR);
  });
});

describe("POST licenses/delete", () => {
  it("removes the licence, refunds nothing, and a second delete is 404", async () => {
    const body = { license_id: String(ex.toBeActivatedLicenceId), customer_code: 5001 };
    const res = await ca("POST", "licenses/delete", { body });
    expect([res.status, res.json]).toEqual([200, { code: 200, content: { deleted: true } }]);
    expect((await licencesOf(5001)).map((l) => l.license_id)).not.toContain(ex.toBeActivatedLicenceId);
    expect(sim.data.credit).toBe(DEFAULT_CREDIT_EUR);
    const again = await ca("POST", "licenses/delete", { body });
    expect([again.status, again.json]).toEqual([404, licenceNotFound]);
    const other = await ca("POST", "licenses/delete", { body: { license_id: ex.activeLicenceId, customer_code: 5004 } });
    expect(other.status).toBe(404);
  });

  it("never hands a deleted licence's id out again", async () => {
    const first = await ca("POST", "licenses/demo", { body: { customer_code: 5003 } });
    await ca("POST", "licenses/delete", { body: { license_id: first.json.content.license_id, customer_code: 5003 } });
    const second = await ca("POST", "licenses/demo", { body: { customer_code: 5003 } });
    expect(second.json.content.license_id).toBe(first.json.content.license_id + 1);
  });
});

describe("GET licenses", () => {
  it("lists a customer's licences with every status, in the contract's shape", async () => {
    const licences = await licencesOf(ex.customerWithLicencesCode);
    for (const licence of licences) {
      expect(Object.keys(licence).sort()).toEqual(
        [
          "activation_date",
          "expiration_date",
          "license_code",
          "license_duration_months",
          "license_id",
          "license_info",
          "license_name",
          "status",
        ].sort(),
      );
      expect(Number.isInteger(licence.license_id)).toBe(true);
    }
    const status = new Map(licences.map((l) => [l.license_id, l.status]));
    expect(status.get(ex.activeLicenceId)).toBe("active");
    expect(status.get(ex.expiredLicenceId)).toBe("expired");
    expect(status.get(ex.toBeActivatedLicenceId)).toBe("to_be_activated");
    expect(status.get(ex.renewedLicenceId)).toBe("renewed");
    expect(status.get(ex.renewalOfRenewedLicenceId)).toBe("active");
    expect(status.get(ex.expiredTrialLicenceId)).toBe("expired");
    expect(licences.find((l) => l.license_id === ex.activeLicenceId)).toEqual({
      license_id: 1001,
      license_code: "FS-CLOUD-36M-V2",
      license_name: "FlashStart Cloud v2 36 mesi",
      license_info: "Headquarter",
      status: "active",
      activation_date: "2025-02-01 09:00:00",
      expiration_date: "2028-02-01 09:00:00",
      license_duration_months: 36,
    });
    expect(licences.find((l) => l.license_id === ex.toBeActivatedLicenceId)).toMatchObject({
      activation_date: null,
      expiration_date: null,
    });
  });

  it("names licences in the requested lang and lists nothing for a customer without licences", async () => {
    const res = await ca("GET", "licenses", { query: { customer_code: "5001", lang: "en" } });
    expect(res.json.content.find((l: any) => l.license_id === ex.activeLicenceId).license_name).toBe("FlashStart Cloud v2 36 months");
    expect(await licencesOf(ex.customerWithoutLicencesCode)).toEqual([]);
  });
});

describe("routing and documents", () => {
  it("answers an unknown path with 404 and a wrong method with 405, with or without a key", async () => {
    for (const key of [KEY, null]) {
      const unknown = await ca("GET", "licenses/nothing", { key });
      expect([unknown.status, unknown.json]).toEqual([404, { code: 404, message: "not found" }]);
      const outside = await ca("GET", "/v1/licenses", { key });
      expect(outside.status).toBe(404);
      const wrongMethod = await ca("POST", "licenses/available", { key, body: { customer_code: 5001 } });
      expect([wrongMethod.status, wrongMethod.json, wrongMethod.headers.allow]).toEqual([
        405,
        { code: 405, message: "method not allowed" },
        "GET",
      ]);
    }
    expect((await ca("GET", "constructor")).status).toBe(404);
  });

  it("serves its OpenAPI document as YAML and JSON without a key, marking documented and inferred parts", async () => {
    const base = new URL(sim.url).origin;
    for (const path of [`${base}/openapi.yaml`, `${sim.url}openapi.yaml`]) {
      const res = await fetch(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/yaml/);
      const doc = parseYaml(await res.text()) as { openapi: string; paths: Record<string, Record<string, { "x-contract": string }>> };
      expect(doc.openapi).toBe("3.1.0");
      expect(Object.keys(doc.paths).sort()).toEqual(
        ["/licenses", "/licenses/available", "/licenses/bulk", "/licenses/delete", "/licenses/demo", "/licenses/renew"].sort(),
      );
      expect(doc.paths["/licenses/available"]!.get!["x-contract"]).toBe("documented");
      expect(doc.paths["/licenses"]!.get!["x-contract"]).toBe("inferred");
    }
    const json = (await (await fetch(`${base}/openapi.json`)).json()) as { components: { securitySchemes: { apiKey: { name: string } } } };
    expect(json.components.securitySchemes.apiKey.name).toBe("X-API-KEY");
  });
});

describe("knobs", () => {
  it("serves status faults with the vendor's bodies for `times` requests, then recovers", async () => {
    sim.fault({ path: "/customerarea/licenses", kind: "status", status: 401, times: 1 });
    sim.fault({ path: "/customerarea/licenses", kind: "status", status: 503, headers: { "retry-after": "3" }, times: 1 });
    const first = await ca("GET", "licenses", { body: { customer_code: 5001 } });
    expect([first.status, first.json]).toEqual([401, { message: "invalid token or unauthorized admin" }]);
    const second = await ca("GET", "licenses", { body: { customer_code: 5001 } });
    expect([second.status, second.json, second.headers["retry-after"]]).toEqual([503, { code: 503, message: "service unavailable" }, "3"]);
    expect((await ca("GET", "licenses", { body: { customer_code: 5001 } })).status).toBe(200);
    // Faulted requests never reached an operation, so only the last one's parameters were recorded.
    expect(sim.inputs.list()).toHaveLength(1);
  });

  it("resets the socket, sends malformed JSON, and hangs on a timeout fault", async () => {
    const path = "/customerarea/licenses/available";
    sim.fault({ path, kind: "reset", times: 1 });
    await expect(ca("GET", "licenses/available", { body: { customer_code: 5001 } })).rejects.toThrow();
    sim.fault({ path, kind: "malformed", times: 1 });
    await expect(ca("GET", "licenses/available", { body: { customer_code: 5001 } })).rejects.toThrow(SyntaxError);
    sim.fault({ method: "POST", kind: "timeout", times: 1 });
    const hung = fetch(`${sim.url}licenses/demo`, { method: "POST", headers: { "x-api-key": KEY }, signal: AbortSignal.timeout(100) });
    await expect(hung).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("answers a body past 64 KiB with 413 in the vendor's shape", async () => {
    const res = await ca("POST", "licenses/bulk", {
      body: { customer_code: 5003, license_code: "FS-CLOUD-1M-V1", license_info: "x".repeat(70_000) },
    });
    expect([res.status, res.json]).toEqual([413, { code: 413, message: "payload too large" }]);
  });

  it("adds latency to every request", async () => {
    sim.setLatency(60);
    const started = Date.now();
    await fetch(`${sim.url}openapi.yaml`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("counts every request by method, path and query, faulted and refused ones included", async () => {
    await ca("GET", "licenses", { query: { customer_code: "5001" } });
    await ca("GET", "licenses", { key: null, body: { customer_code: 5001 } });
    await ca("POST", "licenses/demo", { body: { customer_code: 5003 } });
    sim.fault({ kind: "status", status: 500, times: 1 });
    await ca("POST", "licenses/bulk", { body: {} });

    expect(sim.calls.count()).toBe(4);
    expect(sim.calls.count({ method: "get", path: "/customerarea/licenses" })).toBe(2);
    expect(sim.calls.count({ path: /^\/customerarea\/licenses\// })).toBe(2);
    const list = sim.calls.list();
    expect(list.map((c) => c.status)).toEqual([200, 401, 200, 500]);
    expect(list[0]).toMatchObject({ server: "api", method: "GET", path: "/customerarea/licenses", query: { customer_code: "5001" } });
    expect(sim.inputs.list().map((i) => [i.source, i.apiKey])).toEqual([
      ["query", true],
      ["body", false],
      ["body", true],
    ]);
    expect(JSON.stringify(sim.inputs.list())).not.toContain(KEY);
    sim.calls.reset();
    sim.inputs.reset();
    expect([sim.calls.count(), sim.inputs.list()]).toEqual([0, []]);
  });

  it("reset() restores the seed, the credit and the licence ids in place", async () => {
    await ca("POST", "licenses/bulk", { body: { customer_code: 5003, license_code: ex.affordableLicenseCode, license_info: "HQ" } });
    await ca("POST", "licenses/demo", { body: { customer_code: 5003 } });
    await ca("POST", "licenses/delete", { body: { customer_code: 5001, license_id: ex.activeLicenceId } });
    const liveLicences = sim.data.licences;
    sim.reset();
    expect(sim.data).toEqual(customerareaDemoData());
    expect(sim.data.licences).toBe(liveLicences);
    const again = await ca("POST", "licenses/demo", { body: { customer_code: 5003 } });
    expect(again.json.content.license_id).toBe(1011);
  });
});

describe("demo data", () => {
  const end = (date: string | null) => Date.parse(`${date!.replace(" ", "T")}Z`);

  it("is deterministic, with integer ids and customer codes", () => {
    expect(customerareaDemoData()).toEqual(customerareaDemoData());
    expect(customerareaDemoData().licences).not.toBe(demo.licences);
    expect(demo.customers.map((c) => c.code)).toEqual([5001, 5002, 5003, 5004]);
    expect(demo.licences.every((l) => Number.isInteger(l.id))).toBe(true);
    expect(demo.credit).toBe(500);
  });

  it("names each example by its role", () => {
    const byId = new Map(demo.licences.map((l) => [l.id, l]));
    const customer = (code: number) => demo.customers.find((c) => c.code === code)!;
    expect(customer(ex.customerWithOneDemoUsedCode).demosUsed).toBe(1);
    expect(customer(ex.customerAtDemoLimitCode).demosUsed).toBe(2);
    expect(demo.licences.some((l) => l.customerCode === ex.customerWithoutLicencesCode)).toBe(false);
    expect(demo.customers.some((c) => c.code === ex.unknownCustomerCode)).toBe(false);
    expect(byId.get(ex.toBeActivatedLicenceId)).toMatchObject({ status: "to_be_activated", activationDate: null });
    expect(byId.get(ex.renewalOfRenewedLicenceId)!.activationDate).toBe(byId.get(ex.renewedLicenceId)!.expirationDate);
    const price = (code: string) => demo.catalogue.find((p) => p.code === code)!.amountEur;
    expect(price(ex.affordableLicenseCode)).toBeLessThanOrEqual(demo.credit);
    expect(price(ex.tooExpensiveLicenseCode)).toBeGreaterThan(demo.credit);
  });

  it("keeps active licences active through 2027 and expired ones over before 2026", () => {
    for (const l of demo.licences.filter((l) => l.status === "active")) {
      expect(end(l.expirationDate), String(l.id)).toBeGreaterThan(Date.parse("2028-01-01T00:00:00Z"));
    }
    for (const l of demo.licences.filter((l) => l.status === "expired" || l.status === "trial")) {
      expect(end(l.expirationDate), String(l.id)).toBeLessThan(Date.parse("2026-01-01T00:00:00Z"));
    }
    for (const l of demo.licences.filter((l) => l.activationDate !== null)) {
      const start = new Date(end(l.activationDate));
      start.setUTCMonth(start.getUTCMonth() + l.durationMonths);
      expect(start.getTime(), String(l.id)).toBe(end(l.expirationDate));
    }
  });
});
