import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enirisDemoData } from "../../src/simulators/eniris/data.js";
import { esmartDemoData } from "../../src/simulators/esmart/data.js";
import { startEsmartSimulator, type EsmartSimulator } from "../../src/simulators/esmart/server.js";

const DEMO_USER = { username: "demo-integration", password: "demo-password" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The documented date format: "2013-09-17T22:39:30", UTC without a zone designator. */
const ESMART_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

let sim: EsmartSimulator;
const demo = esmartDemoData();
const ex = demo.examples;

beforeAll(async () => {
  sim = await startEsmartSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

function basic(user: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
}

interface CallInit {
  user?: { username: string; password: string } | null;
  area?: string;
  method?: string;
  body?: unknown;
  /** Raw body text; wins over `body`. */
  text?: string;
  contentType?: string;
  s?: EsmartSimulator;
}

/** `path` is relative to the base URL, like the contract's "api/customers/{customerId}". */
async function api(path: string, init: CallInit = {}) {
  const headers: Record<string, string> = {};
  const user = init.user === undefined ? DEMO_USER : init.user;
  if (user !== null) headers.authorization = basic(user);
  if (init.area !== undefined) headers["x-area"] = init.area;
  const body = init.text ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (body !== undefined) headers["content-type"] = init.contentType ?? "application/json";
  return fetch(`${(init.s ?? sim).url}${path}`, { method: init.method ?? (body === undefined ? "GET" : "PATCH"), headers, body });
}

async function json(path: string, init: CallInit = {}): Promise<{ status: number; body: any }> {
  const res = await api(path, init);
  return { status: res.status, body: await res.json() };
}

function patch(customerId: string, body: unknown, init: CallInit = {}) {
  return json(`api/customers/${customerId}`, { ...init, method: "PATCH", body });
}

describe("authentication", () => {
  it("refuses a missing or wrong login with Web API's 401 and a Basic challenge", async () => {
    const cases: CallInit[] = [
      { user: null },
      { user: { ...DEMO_USER, password: "nope" } },
      { user: { username: "nobody", password: "demo-password" } },
    ];
    for (const init of cases) {
      const res = await api(`api/customers/${ex.customerInBothAreasId}`, init);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm="[^"]+"$/);
      expect(await res.json()).toEqual({ Message: "Authorization has been denied for this request." });
    }
    const bearer = await fetch(`${sim.url}api/ping`, { headers: { authorization: "Bearer abc" } });
    expect(bearer.status).toBe(401);
  });

  it("accepts a password containing colons", async () => {
    const user = { username: "colon-user", password: "a:b:c", customerIds: [ex.powerOnlyCustomerId] };
    const own = await startEsmartSimulator({ users: [user] });
    try {
      expect((await api(`api/customers/${ex.powerOnlyCustomerId}`, { user, s: own })).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it("refuses another user's customer, gateway and devices with 403, and still says 404 for unknown ones", async () => {
    const owner = ex.activeGatewayOwnerId;
    const other = ex.customerWithoutPhoneId;
    expect(other).not.toBe(owner);
    const alice = { username: "alice", password: "pw-alice", customerIds: [owner] };
    const bob = { username: "bob", password: "pw-bob", customerIds: [other] };
    const own = await startEsmartSimulator({ users: [alice, bob] });
    try {
      expect((await json(`api/customers/${owner}`, { user: alice, s: own })).status).toBe(200);
      const denied = await json(`api/customers/${owner}`, { user: bob, s: own });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ Message: expect.any(String) });
      expect((await json(`api/customers/${owner}`, { user: bob, s: own, method: "PATCH", body: { PhoneNumber: "1" } })).status).toBe(403);
      expect(own.data.customers.find((c) => c.CustomerId === owner && c.area === 2)!.PhoneNumber).not.toBe("1");

      expect((await api(`api/gateways/serialnumber/${ex.activeGatewaySerialNumber}`, { user: alice, s: own })).status).toBe(200);
      expect((await api(`api/gateways/serialnumber/${ex.activeGatewaySerialNumber}`, { user: bob, s: own })).status).toBe(403);
      expect((await api(`api/gateways/externalId/${ex.activeGatewayExternalId}/devices`, { user: bob, s: own })).status).toBe(403);
      expect((await api(`api/devices/serialnumber/${ex.deviceSerialNumber}`, { user: bob, s: own })).status).toBe(403);
      expect((await api(`api/devices/serialnumber/${ex.deviceSerialNumber}`, { user: alice, s: own })).status).toBe(200);

      expect((await api("api/customers/ES-99999", { user: bob, s: own })).status).toBe(404);
    } finally {
      await own.close();
    }
  });
});

describe("area header", () => {
  it("defaults to Power, and X-Area: 1 (Net) serves different data for the same ids", async () => {
    const id = ex.customerInBothAreasId;
    const absent = await json(`api/customers/${id}`);
    const power = await json(`api/customers/${id}`, { area: "2" });
    const net = await json(`api/customers/${id}`, { area: "1" });
    expect(absent).toEqual(power);
    expect(net.status).toBe(200);
    expect(net.body.CustomerId).toBe(id);
    expect(net.body.Email).not.toBe(power.body.Email);

    expect((await api(`api/customers/${ex.powerOnlyCustomerId}`, { area: "1" })).status).toBe(404);
    expect((await api(`api/customers/${ex.netOnlyCustomerId}`, { area: "1" })).status).toBe(200);
    expect((await api(`api/customers/${ex.netOnlyCustomerId}`)).status).toBe(404);

    const serial = ex.gatewayInBothAreasSerialNumber;
    const powerGateway = await json(`api/gateways/serialnumber/${serial}`);
    const netGateway = await json(`api/gateways/serialnumber/${serial}`, { area: "1" });
    expect(netGateway.body.SerialNumber).toBe(serial);
    expect(netGateway.body.GatewayId).not.toBe(powerGateway.body.GatewayId);
    expect((await api(`api/gateways/serialnumber/${ex.inactiveGatewaySerialNumber}`, { area: "1" })).status).toBe(404);

    const pingNet = await json("api/ping", { area: "1" });
    expect(pingNet.body.Subsystems).toContain("CustomerWeb (Net)");
  });

  it("answers any other X-Area value with a 400 Message", async () => {
    for (const area of ["3", "0", "Power", "", "01"]) {
      const res = await json(`api/customers/${ex.customerInBothAreasId}`, { area });
      expect(res.status, JSON.stringify(area)).toBe(400);
      expect(res.body).toEqual({ Message: expect.stringContaining("X-Area") });
    }
  });

  it("checks authentication before the area", async () => {
    expect((await api("api/ping", { user: null, area: "9" })).status).toBe(401);
  });

  it("logs the area of each request that reached the API", async () => {
    await api("api/ping");
    await api("api/ping", { area: "1" });
    await api("api/ping", { area: "x" });
    expect(sim.calls.areas()).toEqual([
      { method: "GET", path: "/api/ping", header: undefined, area: 2 },
      { method: "GET", path: "/api/ping", header: "1", area: 1 },
      { method: "GET", path: "/api/ping", header: "x", area: undefined },
    ]);
    sim.calls.reset();
    expect(sim.calls.areas()).toEqual([]);
  });
});

describe("customers", () => {
  it("returns the customer in the contract's shape, and 404 with a Message for an unknown id", async () => {
    const { status, body } = await json(`api/customers/${ex.customerInBothAreasId}`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual([
      "Address",
      "City",
      "CustomerId",
      "Email",
      "MobileNumber",
      "Name",
      "PhoneNumber",
      "PostalCode",
    ]);
    const seed = demo.customers.find((c) => c.area === 2 && c.CustomerId === ex.customerInBothAreasId)!;
    const { area: _area, ...wire } = seed;
    expect(body).toEqual(wire);
    const nophone = await json(`api/customers/${ex.customerWithoutPhoneId}`);
    expect(nophone.body.PhoneNumber).toBeNull();

    const unknown = await json("api/customers/ES-99999");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ Message: expect.stringContaining("ES-99999") });
  });

  it("PATCH changes the contact details and answers 200 with the updated customer", async () => {
    const id = ex.customerInBothAreasId;
    const res = await patch(id, { PhoneNumber: "3250999999", MobileNumber: "32470000001", Email: "new.address@example.com" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      CustomerId: id,
      PhoneNumber: "3250999999",
      MobileNumber: "32470000001",
      Email: "new.address@example.com",
    });
    expect((await json(`api/customers/${id}`)).body).toEqual(res.body);
    // Only the Power record changed; the Net one is a different record.
    expect((await json(`api/customers/${id}`, { area: "1" })).body.Email).not.toBe("new.address@example.com");

    const one = await patch(id, { mobilenumber: "12345678901234" });
    expect(one.body).toMatchObject({ MobileNumber: "12345678901234", PhoneNumber: "3250999999" });
    const cleared = await patch(id, { PhoneNumber: null });
    expect(cleared.body.PhoneNumber).toBeNull();

    sim.reset();
    expect((await json(`api/customers/${id}`)).body.PhoneNumber).toBe(
      demo.customers.find((c) => c.area === 2 && c.CustomerId === id)!.PhoneNumber,
    );
  });

  it("PATCH refuses non-digits and more than 14 digits, per field, in ModelState", async () => {
    const id = ex.customerInBothAreasId;
    const letters = await patch(id, { PhoneNumber: "+32 50 12" });
    expect(letters.status).toBe(400);
    expect(letters.body).toEqual({
      Message: "The request is invalid.",
      ModelState: { "customer.PhoneNumber": ["The field PhoneNumber must match the regular expression '^[0-9]+$'."] },
    });
    const long = await patch(id, { MobileNumber: "123456789012345" });
    expect(long.body.ModelState).toEqual({
      "customer.MobileNumber": ["The field MobileNumber must be a string with a maximum length of 14."],
    });
    const both = await patch(id, { PhoneNumber: "12-34", MobileNumber: "1".repeat(15), Email: "fine@example.com" });
    expect(Object.keys(both.body.ModelState).sort()).toEqual(["customer.MobileNumber", "customer.PhoneNumber"]);
    expect((await patch(id, { PhoneNumber: "" })).status).toBe(400);
    expect((await patch(id, { PhoneNumber: 3250123456 })).body.ModelState).toHaveProperty(["customer.PhoneNumber"]);
    // Nothing was applied, not even the valid Email of the mixed request.
    expect(sim.data.customers.find((c) => c.area === 2 && c.CustomerId === id)!.Email).toBe(
      demo.customers.find((c) => c.area === 2 && c.CustomerId === id)!.Email,
    );
  });

  it("PATCH refuses an invalid email and one over 100 characters", async () => {
    const id = ex.customerInBothAreasId;
    for (const Email of ["not-an-email", "a@b", "two@@example.com", "sp ace@example.com", null]) {
      const res = await patch(id, { Email });
      expect(res.status, String(Email)).toBe(400);
      expect(res.body.ModelState).toEqual({ "customer.Email": ["The Email field is not a valid e-mail address."] });
    }
    const long = `${"a".repeat(89)}@example.com`; // 101 characters
    expect(long).toHaveLength(101);
    const res = await patch(id, { Email: long });
    expect(res.body.ModelState).toEqual({ "customer.Email": ["The field Email must be a string with a maximum length of 100."] });
    const exactly100 = `${"a".repeat(88)}@example.com`;
    expect((await patch(id, { Email: exactly100 })).status).toBe(200);
  });

  it("PATCH refuses other fields, empty and malformed bodies, and a non-JSON content type", async () => {
    const id = ex.customerInBothAreasId;
    const other = await patch(id, { Name: "Renamed", PhoneNumber: "123" });
    expect(other.status).toBe(400);
    expect(other.body.ModelState).toEqual({ "customer.Name": [expect.stringContaining("Name cannot be updated")] });
    expect(sim.data.customers.find((c) => c.area === 2 && c.CustomerId === id)!.Name).toBe("Zonnepark Verbeke NV");

    const cases: [CallInit, string][] = [
      [{ body: {} }, "customer"],
      [{ body: ["PhoneNumber"] }, "customer"],
      [{ text: "{" }, "customer"],
      [{ text: "", contentType: "application/json" }, "customer"],
    ];
    for (const [init, key] of cases) {
      const res = await json(`api/customers/${id}`, { ...init, method: "PATCH" });
      expect(res.status, JSON.stringify(init)).toBe(400);
      expect(res.body).toEqual({ Message: "The request is invalid.", ModelState: { [key]: [expect.any(String)] } });
    }
    const text = await json(`api/customers/${id}`, { method: "PATCH", text: '{"PhoneNumber":"1"}', contentType: "text/plain" });
    expect(text.status).toBe(415);
    expect(text.body.Message).toContain("'text/plain'");
    expect((await json(`api/customers/${id}`, { method: "PATCH", text: '{"PhoneNumber":"1"}', contentType: "text/json" })).status).toBe(
      200,
    );
  });

  it("PATCH answers an unknown customer with 404 before looking at the body", async () => {
    expect((await patch("ES-99999", { PhoneNumber: "x" })).status).toBe(404);
    expect((await patch(ex.netOnlyCustomerId, { PhoneNumber: "1" })).status).toBe(404);
  });
});

describe("gateways and devices", () => {
  it("finds the gateway of an Eniris controller by its serial number, in the contract's shape", async () => {
    const { status, body } = await json(`api/gateways/serialnumber/${ex.activeGatewaySerialNumber}`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      ["ExternalId", "FirmwareVersion", "GatewayId", "IsActive", "LastSeenUtc", "Name", "ParticipantId", "SerialNumber"].sort(),
    );
    expect(body).toMatchObject({ SerialNumber: ex.activeGatewaySerialNumber, ExternalId: ex.activeGatewayExternalId, IsActive: true });
    expect(body.GatewayId).toMatch(UUID);
    expect(body.LastSeenUtc).toMatch(ESMART_DATE);
    expect(body.FirmwareVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof body.ParticipantId).toBe("number");

    const inactive = await json(`api/gateways/serialnumber/${ex.inactiveGatewaySerialNumber}`);
    expect(inactive.body.IsActive).toBe(false);
    expect(inactive.body.LastSeenUtc < body.LastSeenUtc).toBe(true);
  });

  it("answers 404 for a controller without eSmart hardware and an unknown serial number", async () => {
    for (const serial of [...ex.controllerSerialNumbersWithoutGateway, "NO-SUCH-SERIAL"]) {
      const res = await json(`api/gateways/serialnumber/${serial}`);
      expect(res.status, serial).toBe(404);
      expect(res.body).toEqual({ Message: expect.stringContaining(serial) });
    }
  });

  it("lists a gateway's devices by external id, and 404 for an unknown external id", async () => {
    const { status, body } = await json(`api/gateways/externalId/${ex.activeGatewayExternalId}/devices`);
    expect(status).toBe(200);
    expect(body.map((d: { Type: string }) => d.Type).sort()).toEqual(["Battery", "EVCharger", "Inverter", "Meter"]);
    for (const device of body) {
      expect(Object.keys(device).sort()).toEqual(["DeviceId", "GatewaySerialNumber", "IsActive", "Name", "SerialNumber", "Type"]);
      expect(device.GatewaySerialNumber).toBe(ex.activeGatewaySerialNumber);
      expect(device.DeviceId).toMatch(UUID);
    }
    const unknown = await json("api/gateways/externalId/no-such-gateway/devices");
    expect(unknown.status).toBe(404);
    expect(unknown.body.Message).toContain("no-such-gateway");
  });

  it("finds one device by serial number, and 404 for an unknown one", async () => {
    const { status, body } = await json(`api/devices/serialnumber/${ex.deviceSerialNumber}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ SerialNumber: ex.deviceSerialNumber, Type: "Battery", GatewaySerialNumber: ex.activeGatewaySerialNumber });
    const unknown = await json("api/devices/serialnumber/NO-SUCH-DEVICE");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ Message: expect.stringContaining("NO-SUCH-DEVICE") });
  });

  it("pings with version and subsystems, authenticated like every request", async () => {
    const { status, body } = await json("api/ping");
    expect(status).toBe(200);
    expect(body).toEqual({
      Version: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      Subsystems: expect.arrayContaining(["CustomerWeb (Power)"]),
    });
    expect((await api("api/ping", { user: null })).status).toBe(401);
  });
});

describe("routing and documents", () => {
  it("matches paths and ids case-insensitively, with an optional trailing slash", async () => {
    const lower = ex.activeGatewaySerialNumber.toLowerCase();
    expect((await api(`API/Gateways/SerialNumber/${lower}`)).status).toBe(200);
    expect((await api(`api/GATEWAYS/externalid/${ex.activeGatewayExternalId.toUpperCase()}/Devices`)).status).toBe(200);
    expect((await api(`Api/Customers/${ex.customerInBothAreasId.toLowerCase()}/`)).status).toBe(200);
    expect((await api("API/PING")).status).toBe(200);
  });

  it("answers an unknown path with Web API's 404, with or without a login, and a wrong method with 405", async () => {
    for (const user of [undefined, null]) {
      const res = await json("api/nothing/here?x=1", { user });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ Message: `No HTTP resource was found that matches the request URI '${sim.url}api/nothing/here?x=1'.` });
    }
    const del = await api(`api/customers/${ex.customerInBothAreasId}`, { method: "DELETE" });
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, PATCH");
    expect(await del.json()).toEqual({ Message: "The requested resource does not support http method 'DELETE'." });
  });

  it("serves its OpenAPI document without auth, as YAML and JSON", async () => {
    const yaml = await fetch(`${sim.url}openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get("content-type")).toMatch(/yaml/);
    const text = await yaml.text();
    expect(text).toContain("openapi: 3.1.0");
    expect(text).toContain("x-contract: inferred");
    const doc = (await (await fetch(`${sim.url}openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/customers/{customerId}",
        "/api/gateways/serialnumber/{serialNumber}",
        "/api/gateways/externalId/{externalId}/devices",
        "/api/devices/serialnumber/{serialNumber}",
        "/api/ping",
      ]),
    );
  });
});

describe("knobs", () => {
  it("serves a status fault in Web API's shape for `times` requests, then recovers", async () => {
    sim.fault({ path: /^\/api\/ping$/, kind: "status", status: 503, headers: { "retry-after": "1" }, times: 1 });
    const down = await api("api/ping");
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("1");
    expect(await down.json()).toEqual({ Message: "Service Unavailable" });
    expect((await api("api/ping")).status).toBe(200);

    sim.fault({ method: "GET", kind: "status", status: 500 });
    expect(await (await api("api/ping")).json()).toEqual({ Message: "An error has occurred." });
    sim.clearFaults();
    expect((await api("api/ping")).status).toBe(200);
  });

  it("resets the socket, sends malformed JSON, and hangs until the client gives up", async () => {
    const path = `/api/customers/${ex.customerInBothAreasId}`;
    sim.fault({ path, kind: "reset", times: 1 });
    await expect(api(path.slice(1))).rejects.toThrow(TypeError);
    sim.fault({ path, kind: "malformed", times: 1 });
    const malformed = await api(path.slice(1));
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    sim.fault({ path, kind: "timeout", times: 1 });
    const hung = fetch(`${sim.url}${path.slice(1)}`, { headers: { authorization: basic(DEMO_USER) }, signal: AbortSignal.timeout(100) });
    await expect(hung).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("adds latency to every request", async () => {
    sim.setLatency(60);
    const started = Date.now();
    await fetch(`${sim.url}openapi.yaml`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("counts every request with method, path and query, faulted ones included, without credentials", async () => {
    await api(`api/customers/${ex.customerInBothAreasId}`);
    await api("api/customers/ES-99999?expand=all");
    await patch(ex.customerInBothAreasId, { PhoneNumber: "123" });
    await api("api/ping", { user: null });
    sim.fault({ kind: "status", status: 502, times: 1 });
    await api("api/ping");

    expect(sim.calls.count()).toBe(5);
    expect(sim.calls.count({ method: "patch" })).toBe(1);
    expect(sim.calls.count({ path: /^\/api\/customers\// })).toBe(3);
    expect(sim.calls.count({ server: "api", path: "/api/ping" })).toBe(2);
    const list = sim.calls.list();
    expect(list.map((c) => c.status)).toEqual([200, 404, 200, 401, 502]);
    expect(list[1]).toMatchObject({ method: "GET", path: "/api/customers/ES-99999", query: { expand: "all" }, authorization: true });
    expect(list[3]!.authorization).toBe(false);
    expect(JSON.stringify(list)).not.toContain(Buffer.from(`${DEMO_USER.username}:${DEMO_USER.password}`).toString("base64"));
    // The faulted request never reached the API, so the area log has one record fewer.
    expect(sim.calls.areas()).toHaveLength(4);
  });
});

describe("demo data", () => {
  it("is deterministic, uses the documented date format, and reset() restores it in place", async () => {
    expect(esmartDemoData()).toEqual(esmartDemoData());
    expect(demo.gateways.every((g) => ESMART_DATE.test(g.LastSeenUtc))).toBe(true);
    const customers = sim.data.customers;
    await patch(ex.customerInBothAreasId, { Email: "changed@example.com" });
    sim.reset();
    expect(sim.data.customers).toBe(customers);
    expect(sim.data).toEqual(demo);
  });

  it("gives most Eniris demo controllers a gateway, leaves some without, and has one inactive gateway", () => {
    const controllers = [...enirisDemoData("sofar").controllers, ...enirisDemoData("smartgridone").controllers].map((c) => c.serialNumber);
    const power = demo.gateways.filter((g) => g.area === 2);
    const withGateway = new Set(power.map((g) => g.SerialNumber));
    expect(controllers.filter((s) => withGateway.has(s)).length).toBeGreaterThan(controllers.length / 2);
    expect(ex.controllerSerialNumbersWithoutGateway.length).toBeGreaterThanOrEqual(1);
    expect(ex.controllerSerialNumbersWithoutGateway.length).toBeLessThanOrEqual(2);
    expect(demo.gateways.every((g) => controllers.includes(g.SerialNumber))).toBe(true);
    expect(power.filter((g) => !g.IsActive).map((g) => g.SerialNumber)).toEqual([ex.inactiveGatewaySerialNumber]);
    expect(new Set(power.map((g) => g.LastSeenUtc)).size).toBe(power.length);
    for (const gateway of demo.gateways) {
      const count = demo.devices.filter((d) => d.area === gateway.area && d.GatewaySerialNumber === gateway.SerialNumber).length;
      expect(count, gateway.SerialNumber).toBeGreaterThanOrEqual(1);
      expect(count, gateway.SerialNumber).toBeLessThanOrEqual(4);
    }
    expect(new Set(demo.devices.map((d) => d.SerialNumber)).size).toBe(demo.devices.length);
    expect(demo.customers.filter((c) => c.area === 2).map((c) => c.CustomerId)).toEqual(["ES-10001", "ES-10002", "ES-10003", "ES-10004"]);
  });
});
