import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cryptolensDemoData } from "../../src/simulators/cryptolens/data.js";
import { DEFAULT_CRYPTOLENS_TOKEN, startCryptolensSimulator, type CryptolensSimulator } from "../../src/simulators/cryptolens/server.js";
import { enirisDemoData } from "../../src/simulators/eniris/data.js";

const TOKEN = DEFAULT_CRYPTOLENS_TOKEN;
const READ_ONLY_TOKEN = "read-only-token";
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const BASIC_FIELDS = [
  "productId",
  "id",
  "key",
  "created",
  "expires",
  "period",
  "f1",
  "f2",
  "f3",
  "f4",
  "f5",
  "f6",
  "f7",
  "f8",
  "notes",
  "block",
  "globalId",
];
const DETAILED_FIELDS = [...BASIC_FIELDS, "customer", "activatedMachines", "maxNoOfMachines", "dataObjects"];

let sim: CryptolensSimulator;
const demo = cryptolensDemoData();
const ex = demo.examples;
const PRODUCT = String(demo.productId);

beforeAll(async () => {
  sim = await startCryptolensSimulator({ tokens: [TOKEN, { token: READ_ONLY_TOKEN, permissions: ["GetKey", "GetCustomerLicenses"] }] });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

type Params = Record<string, string>;

function get(method: string, params: Params, s: CryptolensSimulator = sim): Promise<Response> {
  return fetch(`${s.url}${method}?${new URLSearchParams(params)}`);
}

/** A form POST, as the official SDKs send; fetch sets the urlencoded content type for URLSearchParams. */
function post(method: string, params: Params, query: Params = {}): Promise<Response> {
  const qs = Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : "";
  return fetch(`${sim.url}${method}${qs}`, { method: "POST", body: new URLSearchParams(params) });
}

async function expectError(res: Response | Promise<Response>, status: number, message: string): Promise<void> {
  const response = await res;
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await response.json()).toEqual({ result: 1, message });
}

interface Machine {
  mid: string;
  ip: string;
  time: string;
  friendlyName: string | null;
}
interface LicenseKey {
  key: string;
  globalId: number;
  expires: string;
  customer: { id: number } | null;
  activatedMachines: Machine[];
  [field: string]: unknown;
}
interface LicenseStatus {
  isValid: boolean;
  reasonForInvalidity: string;
  trial: boolean;
  timeLimited: boolean;
  timeLeft: number;
}
interface KeyMetadata {
  activatedMachines: number;
  licenseStatus: LicenseStatus;
}

async function getKey(
  key: string,
  extra: Params = {},
): Promise<{ licenseKey: LicenseKey; metadata?: KeyMetadata; result: number; message: string }> {
  const res = await post("key/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: key, ...extra });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ licenseKey: LicenseKey; metadata?: KeyMetadata; result: number; message: string }>;
}

function machinesOf(key: string): Machine[] {
  return sim.data.keys.find((k) => k.key === key)!.activatedMachines;
}

describe("authentication", () => {
  it("answers a missing or unknown token with 401 'Unable to authenticate.'", async () => {
    await expectError(get("key/GetKey", { ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot }), 401, "Unable to authenticate.");
    await expectError(
      post("key/GetKey", { token: "nope", ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot }),
      401,
      "Unable to authenticate.",
    );
    await expectError(post("customer/GetCustomerLicenses", { token: "", CustomerId: "101" }), 401, "Unable to authenticate.");
  });

  it("answers a token without the method's permission with 401 'Access denied.'", async () => {
    expect((await get("key/GetKey", { token: READ_ONLY_TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot })).status).toBe(200);
    const activate = { token: READ_ONLY_TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot, MachineCode: "m1" };
    await expectError(post("key/Activate", activate), 401, "Access denied.");
    await expectError(post("key/Deactivate", activate), 401, "Access denied.");
    await expectError(
      post("customer/GetCustomerLicensesBySecret", { token: READ_ONLY_TOKEN, Secret: ex.customerWithKeysSecret }),
      401,
      "Access denied.",
    );
    expect(machinesOf(ex.activeKeyWithFreeSlot)).toHaveLength(2);
  });

  it("checks the token before the parameters", async () => {
    await expectError(get("customer/GetCustomerLicenses", { CustomerId: "not-a-number" }), 401, "Unable to authenticate.");
  });
});

describe("transport", () => {
  it("ignores path casing and parameter-name casing, and tolerates a trailing slash", async () => {
    const base = sim.url.replace(/\/api\/$/, "");
    for (const path of ["/api/customer/GetCustomerLicenses", "/API/CUSTOMER/getcustomerlicenses", "/Api/Customer/GetCustomerLicenses/"]) {
      const res = await fetch(`${base}${path}?Token=${TOKEN}&customerid=101&DETAILED=True`);
      expect(res.status, path).toBe(200);
      const body = (await res.json()) as { licenseKeys: LicenseKey[] };
      expect(body.licenseKeys.length, path).toBe(3);
      expect(Object.keys(body.licenseKeys[0]!), path).toEqual(DETAILED_FIELDS);
    }
    const form = await post("KEY/getKEY", { TOKEN: TOKEN, productid: PRODUCT, KEY: ex.activeKeyWithFreeSlot });
    expect(form.status).toBe(200);
  });

  it("answers GET with a query and POST with a form body the same way", async () => {
    const params = { token: TOKEN, CustomerId: String(ex.customerWithKeysId), Detailed: "true", Metadata: "true" };
    const viaGet = await (await get("customer/GetCustomerLicenses", params)).json();
    const viaPost = await (await post("customer/GetCustomerLicenses", params)).json();
    expect(viaPost).toEqual(viaGet);
  });

  it("merges a query string into a POST, the body winning on a name in both", async () => {
    const split = await post("customer/GetCustomerLicenses", { CustomerId: "101" }, { token: TOKEN });
    expect(split.status).toBe(200);
    const both = await post("customer/GetCustomerLicenses", { token: TOKEN, CustomerId: "103" }, { CustomerId: "101" });
    const body = (await both.json()) as { licenseKeys: LicenseKey[] };
    expect(body.licenseKeys.map((k) => k.key)).toEqual(demo.keys.filter((k) => k.customerId === 103).map((k) => k.key));
  });

  it("ignores a POST body that is not form-encoded", async () => {
    const res = await fetch(`${sim.url}key/GetKey`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: TOKEN, ProductId: demo.productId, Key: ex.activeKeyWithFreeSlot }),
    });
    await expectError(res, 401, "Unable to authenticate.");
  });

  it("accepts v=1 and calls any other version incorrect", async () => {
    const params = { token: TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot };
    expect((await post("key/GetKey", { ...params, v: "1" })).status).toBe(200);
    await expectError(post("key/GetKey", { ...params, v: "2" }), 400, "The input parameters were incorrect.");
  });

  it("answers an unknown method with a 404 envelope and another verb with 405", async () => {
    await expectError(get("key/Nothing", { token: TOKEN }), 404, "The requested method does not exist.");
    const put = await fetch(`${sim.url}key/GetKey?token=${TOKEN}`, { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
    expect(await put.json()).toMatchObject({ result: 1 });
  });

  it("serves its OpenAPI document without a token", async () => {
    const base = sim.url.replace(/\/api\/$/, "");
    const yaml = await fetch(`${base}/openapi.yaml`);
    expect(yaml.status).toBe(200);
    const doc = parseYaml(await yaml.text()) as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual([
      "/customer/GetCustomerLicenses",
      "/customer/GetCustomerLicensesBySecret",
      "/key/GetKey",
      "/key/Activate",
      "/key/Deactivate",
    ]);
    const json = (await (await fetch(`${base}/openapi.json`)).json()) as object;
    expect(json).toEqual(doc);
  });
});

describe("customer/GetCustomerLicenses", () => {
  it("lists BasicLicenseKeys by default, with message null like the seed example", async () => {
    const res = await get("customer/GetCustomerLicenses", { token: TOKEN, CustomerId: String(ex.customerWithKeysId) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { licenseKeys: LicenseKey[]; result: number; message: null };
    expect(Object.keys(body)).toEqual(["licenseKeys", "result", "message"]);
    expect(body.result).toBe(0);
    expect(body.message).toBeNull();
    expect(body.licenseKeys.map((k) => k.key)).toEqual(demo.keys.filter((k) => k.customerId === ex.customerWithKeysId).map((k) => k.key));
    for (const key of body.licenseKeys) {
      expect(Object.keys(key)).toEqual(BASIC_FIELDS);
      expect(key.productId).toBe(demo.productId);
      expect(key.created).toMatch(DATE);
      expect(key.expires).toMatch(DATE);
    }
    expect(body.licenseKeys.find((k) => k.key === ex.blockedKey)!.block).toBe(true);
  });

  it("lists LicenseKeys with Detailed, and metadata keyed by globalId with Metadata", async () => {
    const res = await get("customer/GetCustomerLicenses", {
      token: TOKEN,
      CustomerId: String(ex.customerWithKeysId),
      Detailed: "true",
      Metadata: "True",
    });
    const body = (await res.json()) as { licenseKeys: LicenseKey[]; metadata: Record<string, KeyMetadata> };
    const active = body.licenseKeys.find((k) => k.key === ex.activeKeyWithFreeSlot)!;
    expect(Object.keys(active)).toEqual(DETAILED_FIELDS);
    expect(active.customer).toEqual({
      id: 101,
      name: "Pieter Verbeke",
      email: "pieter@verbeke.example",
      companyName: "Zonnepark Verbeke NV",
      created: expect.stringMatching(DATE) as unknown,
    });
    expect(active.activatedMachines.map((m) => m.mid)).toEqual(["sofar-ctrl-001", "sofar-ctrl-002"]);
    expect(active.activatedMachines[0]).toEqual({
      mid: "sofar-ctrl-001",
      ip: "203.0.113.10",
      time: expect.stringMatching(DATE) as unknown,
      friendlyName: "Verbeke hall A",
    });
    expect(active.maxNoOfMachines).toBe(3);
    expect(active.dataObjects).toEqual([
      { id: expect.any(Number) as unknown, name: "site", stringValue: "Zonnepark Verbeke", intValue: 0 },
      { id: expect.any(Number) as unknown, name: "gridKw", stringValue: "", intValue: 250 },
    ]);

    expect(Object.keys(body.metadata).sort()).toEqual(body.licenseKeys.map((k) => String(k.globalId)).sort());
    expect(body.metadata[String(active.globalId)]).toEqual({
      activatedMachines: 2,
      licenseStatus: { isValid: true, reasonForInvalidity: "", trial: false, timeLimited: true, timeLeft: expect.any(Number) as unknown },
    });
    expect(body.metadata[String(active.globalId)]!.licenseStatus.timeLeft).toBeGreaterThan(365);
    const blocked = body.licenseKeys.find((k) => k.key === ex.blockedKey)!;
    expect(body.metadata[String(blocked.globalId)]!.licenseStatus).toMatchObject({
      isValid: false,
      reasonForInvalidity: "The license is blocked.",
    });
    // Not time-limited: valid although `expires` is past.
    const perpetual = body.licenseKeys.find((k) => k.key === ex.nonTimeLimitedKey)!;
    expect(Date.parse(`${perpetual.expires}Z`)).toBeLessThan(Date.now());
    expect(body.metadata[String(perpetual.globalId)]!.licenseStatus).toEqual({
      isValid: true,
      reasonForInvalidity: "",
      trial: false,
      timeLimited: false,
      timeLeft: 0,
    });
  });

  it("answers an empty list for a customer without keys", async () => {
    const body = await (
      await get("customer/GetCustomerLicenses", { token: TOKEN, CustomerId: String(ex.customerWithoutKeysId), Metadata: "true" })
    ).json();
    expect(body).toEqual({ licenseKeys: [], metadata: {}, result: 0, message: null });
  });

  it("calls a missing or non-integer CustomerId or a non-boolean flag incorrect, and an unknown one absent", async () => {
    for (const CustomerId of [undefined, "abc", "1.5", "99999999999"]) {
      const params: Params = { token: TOKEN };
      if (CustomerId !== undefined) params.CustomerId = CustomerId;
      await expectError(get("customer/GetCustomerLicenses", params), 400, "The input parameters were incorrect.");
    }
    await expectError(
      get("customer/GetCustomerLicenses", { token: TOKEN, CustomerId: "101", Detailed: "yes" }),
      400,
      "The input parameters were incorrect.",
    );
    await expectError(get("customer/GetCustomerLicenses", { token: TOKEN, CustomerId: "999" }), 400, "Customer does not exist.");
  });
});

describe("customer/GetCustomerLicensesBySecret", () => {
  it("lists the same keys as by id", async () => {
    const bySecret = await (
      await post("customer/GetCustomerLicensesBySecret", { token: TOKEN, Secret: ex.customerWithKeysSecret, Detailed: "true" })
    ).json();
    const byId = await (
      await post("customer/GetCustomerLicenses", { token: TOKEN, CustomerId: String(ex.customerWithKeysId), Detailed: "true" })
    ).json();
    expect(bySecret).toEqual(byId);
  });

  it("answers a missing, unknown and shared secret with the seed's messages", async () => {
    await expectError(post("customer/GetCustomerLicensesBySecret", { token: TOKEN }), 400, "The Secret was not specified.");
    await expectError(post("customer/GetCustomerLicensesBySecret", { token: TOKEN, Secret: "cs-nobody" }), 400, "Customer does not exist.");
    sim.data.customers.find((c) => c.id === ex.customerWithoutKeysId)!.secret = ex.customerWithKeysSecret;
    await expectError(
      post("customer/GetCustomerLicensesBySecret", { token: TOKEN, Secret: ex.customerWithKeysSecret }),
      400,
      "A customer with the same secret exists.",
    );
  });
});

describe("key/GetKey", () => {
  it("returns the LicenseKey with result 0 and an empty message", async () => {
    const body = await getKey(ex.keyActivatedOnController);
    expect(Object.keys(body)).toEqual(["licenseKey", "result", "message"]);
    expect(body).toMatchObject({ result: 0, message: "" });
    expect(Object.keys(body.licenseKey)).toEqual(DETAILED_FIELDS);
    expect(body.licenseKey.activatedMachines.map((m) => m.mid)).toContain(ex.controllerWithKeyNodeId);
    expect((await getKey(ex.unassignedKey)).licenseKey.customer).toBeNull();
  });

  it("adds metadata as one object with Metadata=true", async () => {
    const expired = await getKey(ex.expiredKey, { Metadata: "true" });
    expect(Object.keys(expired)).toEqual(["licenseKey", "metadata", "result", "message"]);
    expect(expired.metadata).toEqual({
      activatedMachines: 1,
      licenseStatus: { isValid: false, reasonForInvalidity: "The license has expired.", trial: false, timeLimited: true, timeLeft: 0 },
    });
    expect((await getKey(ex.trialKey, { Metadata: "true" })).metadata!.licenseStatus).toMatchObject({
      isValid: true,
      trial: true,
      timeLimited: true,
    });
  });

  it("answers each lookup failure with its documented message", async () => {
    const key = ex.activeKeyWithFreeSlot;
    await expectError(post("key/GetKey", { token: TOKEN, Key: key }), 400, "The input parameters were incorrect.");
    await expectError(post("key/GetKey", { token: TOKEN, ProductId: "abc", Key: key }), 400, "The input parameters were incorrect.");
    await expectError(post("key/GetKey", { token: TOKEN, ProductId: PRODUCT }), 400, "The input parameters were incorrect.");
    await expectError(post("key/GetKey", { token: TOKEN, ProductId: "1", Key: key }), 400, "Could not find the product.");
    await expectError(
      post("key/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: "AAAAA-BBBBB-CCCCC-DDDDD" }),
      400,
      "Could not find the key.",
    );
    await expectError(post("key/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: key.toLowerCase() }), 400, "Could not find the key.");
    await expectError(
      post("key/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: ex.blockedKey }),
      400,
      "The key is blocked and cannot be accessed.",
    );
  });
});

describe("key/Activate and key/Deactivate", () => {
  const activate = (key: string, machineCode: string | undefined, extra: Params = {}): Promise<Response> =>
    post("key/Activate", {
      token: TOKEN,
      ProductId: PRODUCT,
      Key: key,
      ...(machineCode === undefined ? {} : { MachineCode: machineCode }),
      ...extra,
    });
  const deactivate = (key: string, machineCode: string | undefined): Promise<Response> =>
    post("key/Deactivate", {
      token: TOKEN,
      ProductId: PRODUCT,
      Key: key,
      ...(machineCode === undefined ? {} : { MachineCode: machineCode }),
    });

  it("activates a machine into the free slot, then refuses one past the limit", async () => {
    const key = ex.activeKeyWithFreeSlot;
    const nodeId = ex.controllerWithoutKeyNodeId;
    const before = Date.now() - 1000;
    const res = await activate(key, nodeId, { FriendlyName: "Dubois home", Metadata: "true" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { licenseKey: LicenseKey; metadata: KeyMetadata; result: number; message: string };
    expect(Object.keys(body)).toEqual(["licenseKey", "metadata", "result", "message"]);
    expect(body).toMatchObject({ result: 0, message: "" });
    expect(body.metadata.activatedMachines).toBe(3);
    const added = body.licenseKey.activatedMachines.at(-1)!;
    expect(added).toEqual({ mid: nodeId, ip: "127.0.0.1", time: expect.stringMatching(DATE) as unknown, friendlyName: "Dubois home" });
    expect(Date.parse(`${added.time}Z`)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(machinesOf(key).map((m) => m.mid)).toEqual(["sofar-ctrl-001", "sofar-ctrl-002", nodeId]);

    await expectError(activate(key, "sofar-ctrl-004"), 400, "Cannot activate the new device as the limit has been reached.");
    expect(machinesOf(key)).toHaveLength(3);
  });

  it("succeeds without a duplicate on a machine already activated, even at the limit", async () => {
    const key = ex.keyAtMachineLimit;
    const [existing] = machinesOf(key);
    const res = await activate(key, existing!.mid, { FriendlyName: "renamed" });
    expect(res.status).toBe(200);
    expect(machinesOf(key)).toEqual([existing]);
    await expectError(activate(key, ex.controllerWithoutKeyNodeId), 400, "Cannot activate the new device as the limit has been reached.");
  });

  it("records nothing for maxNoOfMachines 0, and null for a missing FriendlyName", async () => {
    const unlimited = await activate(ex.unlimitedMachinesKey, "sofar-ctrl-003");
    expect(unlimited.status).toBe(200);
    expect(((await unlimited.json()) as { licenseKey: LicenseKey }).licenseKey.activatedMachines).toEqual([]);
    expect(machinesOf(ex.unlimitedMachinesKey)).toEqual([]);

    await activate(ex.activeUnactivatedKey, "sgo-ctrl-002");
    expect(machinesOf(ex.activeUnactivatedKey)).toEqual([
      { mid: "sgo-ctrl-002", ip: "127.0.0.1", time: expect.stringMatching(DATE) as unknown, friendlyName: null },
    ]);
  });

  it("activates an expired key (expiry does not block) but refuses a blocked one", async () => {
    expect((await activate(ex.expiredKey, "sgo-ctrl-003")).status).toBe(200);
    expect(machinesOf(ex.expiredKey).map((m) => m.mid)).toContain("sgo-ctrl-003");
    await expectError(activate(ex.blockedKey, "sofar-ctrl-003"), 400, "The key is blocked and cannot be accessed.");
    expect(machinesOf(ex.blockedKey)).toEqual([]);
  });

  it("answers missing or bad parameters and unknown product or key", async () => {
    await expectError(activate(ex.activeUnactivatedKey, undefined), 400, "The input parameters were incorrect.");
    await expectError(activate(ex.activeUnactivatedKey, "m", { Metadata: "maybe" }), 400, "The input parameters were incorrect.");
    await expectError(
      post("key/Activate", { token: TOKEN, ProductId: "1", Key: ex.activeUnactivatedKey, MachineCode: "m" }),
      400,
      "Could not find the product.",
    );
    await expectError(activate("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "m"), 400, "Could not find the key.");
    expect(machinesOf(ex.activeUnactivatedKey)).toEqual([]);
  });

  it("works as a GET too", async () => {
    const res = await get("key/Activate", { token: TOKEN, ProductId: PRODUCT, Key: ex.activeUnactivatedKey, MachineCode: "sgo-ctrl-002" });
    expect(res.status).toBe(200);
    expect(machinesOf(ex.activeUnactivatedKey).map((m) => m.mid)).toEqual(["sgo-ctrl-002"]);
  });

  it("deactivates a machine, frees its slot, and succeeds again when it is already gone", async () => {
    const key = ex.keyAtMachineLimit;
    const mid = machinesOf(key)[0]!.mid;
    const res = await deactivate(key, mid);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 0, message: "" });
    expect(machinesOf(key)).toEqual([]);
    expect(await (await deactivate(key, mid)).json()).toEqual({ result: 0, message: "" });

    expect((await activate(key, ex.controllerWithoutKeyNodeId)).status).toBe(200);
    expect(machinesOf(key).map((m) => m.mid)).toEqual([ex.controllerWithoutKeyNodeId]);
  });

  it("refuses to deactivate without a machine code, on a blocked key, or an unknown one", async () => {
    await expectError(deactivate(ex.keyActivatedOnController, undefined), 400, "The input parameters were incorrect.");
    await expectError(deactivate(ex.blockedKey, "m"), 400, "The key is blocked and cannot be accessed.");
    await expectError(deactivate("ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ", "m"), 400, "Could not find the key.");
    await expectError(
      post("key/Deactivate", { token: TOKEN, ProductId: "7", Key: ex.keyActivatedOnController, MachineCode: "m" }),
      400,
      "Could not find the product.",
    );
    expect(machinesOf(ex.keyActivatedOnController)).toHaveLength(2);
  });

  it("reset() restores the seed in place after activate and deactivate", async () => {
    await activate(ex.activeKeyWithFreeSlot, ex.controllerWithoutKeyNodeId);
    await deactivate(ex.keyAtMachineLimit, machinesOf(ex.keyAtMachineLimit)[0]!.mid);
    const liveKeys = sim.data.keys;
    sim.reset();
    const { examples: _a, ...seed } = cryptolensDemoData();
    const { examples: _b, ...live } = sim.data;
    expect(live).toEqual(seed);
    expect(sim.data.keys).toBe(liveKeys);
  });
});

describe("options", () => {
  it("serves another product id when asked", async () => {
    const other = await startCryptolensSimulator({ productId: 4242, tokens: [{ token: "t" }] });
    try {
      const key = other.data.examples.activeKeyWithFreeSlot;
      const ok = await get("key/GetKey", { token: "t", ProductId: "4242", Key: key }, other);
      expect(((await ok.json()) as { licenseKey: LicenseKey }).licenseKey.productId).toBe(4242);
      await expectError(get("key/GetKey", { token: "t", ProductId: PRODUCT, Key: key }, other), 400, "Could not find the product.");
      await expectError(get("key/GetKey", { token: TOKEN, ProductId: "4242", Key: key }, other), 401, "Unable to authenticate.");
    } finally {
      await other.close();
    }
  });
});

describe("knobs", () => {
  const getKeyPath = /\/api\/key\/getkey$/i;

  it("serves a status fault in the envelope for `times` requests, then recovers", async () => {
    sim.fault({ path: getKeyPath, kind: "status", status: 503, headers: { "retry-after": "1" }, times: 1 });
    const res = await post("key/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({ result: 1, message: "Service Unavailable" });
    expect((await post("key/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot })).status).toBe(200);
  });

  it("does not change state when a fault spoils an Activate", async () => {
    sim.fault({ method: "POST", path: /activate$/i, kind: "status", status: 500, times: 1 });
    await expectError(
      post("key/Activate", { token: TOKEN, ProductId: PRODUCT, Key: ex.activeUnactivatedKey, MachineCode: "m" }),
      500,
      "Internal Server Error",
    );
    expect(machinesOf(ex.activeUnactivatedKey)).toEqual([]);
  });

  it("resets the socket, sends malformed JSON, and sends an oversized body", async () => {
    const params = { token: TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot };
    sim.fault({ path: getKeyPath, kind: "reset", times: 1 });
    await expect(post("key/GetKey", params)).rejects.toThrow(TypeError);
    sim.fault({ path: getKeyPath, kind: "malformed", times: 1 });
    const malformed = await post("key/GetKey", params);
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    sim.fault({ path: getKeyPath, kind: "oversized", sizeBytes: 100_000, times: 1 });
    const oversized = await post("key/GetKey", params);
    expect(oversized.headers.get("content-length")).toBe("100000");
    expect((await oversized.text()).length).toBe(100_000);
  });

  it("hangs on a timeout fault until the client gives up", async () => {
    sim.fault({ kind: "timeout", times: 1 });
    const started = Date.now();
    const pending = fetch(`${sim.url}key/GetKey?token=${TOKEN}`, { signal: AbortSignal.timeout(100) });
    await expect(pending).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("adds latency to every request", async () => {
    sim.setLatency(60);
    const started = Date.now();
    await get("key/GetKey", { token: TOKEN });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("counts every request with the path as sent and never logs the token", async () => {
    await get("KEY/GetKey", { token: TOKEN, ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot });
    await post("key/Activate", { token: TOKEN, ProductId: PRODUCT, Key: ex.activeUnactivatedKey, MachineCode: "m" });
    await get("customer/GetCustomerLicenses", { token: "wrong", CustomerId: "101" });
    sim.fault({ kind: "status", status: 502, times: 1 });
    await get("key/getkey", { Token: TOKEN });

    expect(sim.calls.count()).toBe(4);
    expect(sim.calls.count({ path: getKeyPath })).toBe(2);
    expect(sim.calls.count({ path: "/api/KEY/GetKey" })).toBe(1);
    expect(sim.calls.count({ method: "post" })).toBe(1);
    const list = sim.calls.list();
    expect(list.map((c) => c.status)).toEqual([200, 200, 401, 502]);
    expect(list[0]).toMatchObject({
      server: "api",
      method: "GET",
      path: "/api/KEY/GetKey",
      query: { token: "[redacted]", ProductId: PRODUCT, Key: ex.activeKeyWithFreeSlot },
    });
    expect(list[1]!.query).toEqual({});
    expect(list[3]!.query).toEqual({ Token: "[redacted]" });
    expect(JSON.stringify(list)).not.toContain(TOKEN);
    sim.calls.reset();
    expect(sim.calls.count()).toBe(0);
  });
});

describe("demo data", () => {
  it("is deterministic and independent per call", () => {
    const again = cryptolensDemoData();
    expect(again).toEqual(demo);
    again.keys[0]!.activatedMachines.pop();
    expect(cryptolensDemoData()).toEqual(demo);
  });

  it("has 3-4 customers with integer ids and per-customer secrets, and keys in the Cryptolens format", () => {
    expect(demo.customers.map((c) => c.id)).toEqual([101, 102, 103, 104]);
    expect(new Set(demo.customers.map((c) => c.secret)).size).toBe(demo.customers.length);
    for (const key of demo.keys) {
      expect(key.key).toMatch(/^[A-Z]{5}-[A-Z]{5}-[A-Z]{5}-[A-Z]{5}$/);
      expect(key.created).toMatch(DATE);
      expect(Date.parse(`${key.expires}Z`) - Date.parse(`${key.created}Z`)).toBe(key.period * 86_400_000);
    }
    expect(new Set(demo.keys.map((k) => k.maxNoOfMachines))).toEqual(new Set([0, 1, 3]));
    for (const customer of demo.customers.filter((c) => c.id !== ex.customerWithoutKeysId)) {
      expect(demo.keys.filter((k) => k.customerId === customer.id).length).toBeGreaterThanOrEqual(2);
    }
  });

  it("activates keys on Eniris demo controllers, and each role holds at any date in 2026-2027", () => {
    const nodeIds = new Set([...enirisDemoData("sofar").controllers, ...enirisDemoData("smartgridone").controllers].map((c) => c.nodeId));
    for (const machine of demo.keys.flatMap((k) => k.activatedMachines)) expect(nodeIds.has(machine.mid)).toBe(true);
    expect(nodeIds.has(ex.controllerWithoutKeyNodeId)).toBe(true);

    const byKey = new Map(demo.keys.map((k) => [k.key, k]));
    const expires = (key: string): number => Date.parse(`${byKey.get(key)!.expires}Z`);
    for (const key of [ex.activeKeyWithFreeSlot, ex.activeUnactivatedKey, ex.keyAtMachineLimit, ex.keyActivatedOnController]) {
      expect(expires(key)).toBeGreaterThan(Date.parse("2028-01-01T00:00:00Z"));
      expect(byKey.get(key)!.block).toBe(false);
    }
    expect(expires(ex.expiredKey)).toBeLessThan(Date.parse("2026-01-01T00:00:00Z"));
    expect(byKey.get(ex.expiredKey)!.f1).toBe(true);
    expect(byKey.get(ex.nonTimeLimitedKey)!.f1).toBe(false);
    expect(byKey.get(ex.unlimitedMachinesKey)!.maxNoOfMachines).toBe(0);
    expect(byKey.get(ex.unassignedKey)!.customerId).toBeNull();
    const limited = byKey.get(ex.keyAtMachineLimit)!;
    expect(limited.activatedMachines.length).toBe(limited.maxNoOfMachines);
    expect(demo.keys.some((k) => k.customerId === ex.customerWithoutKeysId)).toBe(false);
  });
});
