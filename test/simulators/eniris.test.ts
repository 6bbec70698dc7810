import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enirisDemoData } from "../../src/simulators/eniris/data.js";
import { startEnirisSimulator, type EnirisSimulator } from "../../src/simulators/eniris/server.js";

const DEMO_USER = { username: "demo@example.com", password: "demo-password" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: EnirisSimulator;
const demo = enirisDemoData("sofar");

beforeAll(async () => {
  sim = await startEnirisSimulator({ brand: "sofar" });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

async function login(s: EnirisSimulator = sim): Promise<string> {
  const res = await fetch(`${s.authUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(DEMO_USER),
  });
  expect(res.status).toBe(200);
  return res.text();
}

async function accessToken(s: EnirisSimulator = sim): Promise<string> {
  const res = await fetch(`${s.authUrl}/auth/accesstoken`, { headers: { authorization: `Bearer ${await login(s)}` } });
  expect(res.status).toBe(200);
  return res.text();
}

async function api(path: string, init: { token?: string; body?: unknown; method?: string; signal?: AbortSignal } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${sim.apiUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
}

function jwtPayload(token: string): Record<string, unknown> {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("auth server", () => {
  it("logs in, exchanges the refresh token for a JWT-shaped access token, and that token opens the API", async () => {
    const refresh = await login();
    expect(refresh).toMatch(/^\S{20,}$/);
    const res = await fetch(`${sim.authUrl}/auth/accesstoken`, { headers: { authorization: `Bearer ${refresh}` } });
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const token = await res.text();
    expect(token.split(".")).toHaveLength(3);
    const payload = jwtPayload(token);
    expect(payload.sub).toBe(DEMO_USER.username);
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);

    const licenses = await api(`/v1/license/customer/${demo.examples.customerWithLicensesId}`, { token });
    expect(licenses.status).toBe(200);
  });

  it("answers wrong credentials with a 401 envelope and a malformed login body with a 400", async () => {
    const wrong = await fetch(`${sim.authUrl}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...DEMO_USER, password: "nope" }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ statusCode: 401, error: "Unauthorized" });
    const malformed = await fetch(`${sim.authUrl}/auth/login`, { method: "POST", body: "{" });
    expect(await malformed.json()).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: "Missing or misformatted query parameter or body",
    });
  });

  it("accepts the pre-issued refresh token and refuses unknown ones", async () => {
    const good = await fetch(`${sim.authUrl}/auth/accesstoken`, { headers: { authorization: "Bearer demo-refresh-token-sofar" } });
    expect(good.status).toBe(200);
    const bad = await fetch(`${sim.authUrl}/auth/accesstoken`, { headers: { authorization: "Bearer not-a-token" } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ statusCode: 401, error: "Unauthorized", message: "Failed to verify token" });
  });

  it("renews the refresh token without revoking the old one, and logout deny-lists it", async () => {
    const old = await login();
    const renewed = await fetch(`${sim.authUrl}/auth/refreshtoken`, { headers: { authorization: `Bearer ${old}` } });
    const fresh = await renewed.text();
    expect(fresh).not.toBe(old);
    for (const token of [old, fresh]) {
      const res = await fetch(`${sim.authUrl}/auth/accesstoken`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    const logout = await fetch(`${sim.authUrl}/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${old}` } });
    expect(logout.status).toBe(204);
    const denied = await fetch(`${sim.authUrl}/auth/accesstoken`, { headers: { authorization: `Bearer ${old}` } });
    expect(denied.status).toBe(401);
    const again = await fetch(`${sim.authUrl}/auth/logout`, { method: "POST", headers: { authorization: `Bearer ${old}` } });
    expect(again.status).toBe(401);
  });

  it("quotes tokens when asked, and refuses a token sent back with its quotes", async () => {
    const quoting = await startEnirisSimulator({ brand: "smartgridone", quoteTokens: true });
    try {
      const body = await (
        await fetch(`${quoting.authUrl}/auth/accesstoken`, { headers: { authorization: "Bearer demo-refresh-token-smartgridone" } })
      ).text();
      expect(body).toMatch(/^".+"$/);
      const quoted = await fetch(`${quoting.apiUrl}/v1/license/controller/sgo-ctrl-001`, { headers: { authorization: `Bearer ${body}` } });
      expect(quoted.status).toBe(401);
      const unquoted = await fetch(`${quoting.apiUrl}/v1/license/controller/sgo-ctrl-001`, {
        headers: { authorization: `Bearer ${JSON.parse(body) as string}` },
      });
      expect(unquoted.status).toBe(200);
    } finally {
      await quoting.close();
    }
  });
});

describe("API authentication", () => {
  it("refuses a missing token, a refresh token and an expired access token with the documented 401", async () => {
    const path = `/v1/license/controller/${demo.examples.controllerWithLicensesNodeId}`;
    const expected = { statusCode: 401, error: "Unauthorized", message: "Failed to verify token" };
    expect(await (await api(path)).json()).toEqual(expected);
    expect((await api(path, { token: await login() })).status).toBe(401);

    const token = await accessToken();
    expect((await api(path, { token })).status).toBe(200);
    sim.expireAccessTokens();
    expect(await (await api(path, { token })).json()).toEqual(expected);
    expect((await api(path, { token: await accessToken() })).status).toBe(200);
  });

  it("lets access tokens expire after accessTokenTtlMs", async () => {
    // Long enough that a busy machine still uses the token before it dies (30 ms flaked under the full suite).
    const shortLived = await startEnirisSimulator({ accessTokenTtlMs: 1_000 });
    try {
      const token = await accessToken(shortLived);
      const url = `${shortLived.apiUrl}/v1/license/controller/sofar-ctrl-001`;
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });

  it("issues an access token of a chosen lifetime that the API accepts until it expires", async () => {
    const shortLived = await startEnirisSimulator({ accessTokenTtlMs: 1_000 });
    try {
      const token = shortLived.issueAccessToken(60_000);
      const url = `${shortLived.apiUrl}/v1/license/controller/sofar-ctrl-001`;
      const payload = jwtPayload(token);
      expect(Number(payload.exp) - Number(payload.iat)).toBeGreaterThanOrEqual(59);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // Outlives the simulator's 1 s default; another token of the default lifetime does not.
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const defaultLived = shortLived.issueAccessToken();
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await fetch(url, { headers: { authorization: `Bearer ${defaultLived}` } })).status).toBe(401);
    } finally {
      await shortLived.close();
    }
  });
});

describe("license endpoints", () => {
  let token: string;
  beforeAll(async () => {
    token = await accessToken();
  });

  it("lists a customer's licenses in the spec's shape, with datalinks only when asked", async () => {
    const customerId = demo.examples.customerWithLicensesId;
    const plain = (await (await api(`/v1/license/customer/${customerId}`, { token })).json()) as { licenses: Record<string, unknown>[] };
    expect(plain.licenses.length).toBeGreaterThanOrEqual(3);
    for (const license of plain.licenses) {
      expect(Object.keys(license).sort()).toEqual(
        [
          "activationDate",
          "batteryKw",
          "creationDate",
          "deactivationDate",
          "duration",
          "evKw",
          "gridKw",
          "id",
          "key",
          "solarKw",
          "type",
        ].sort(),
      );
      expect(license.id).toMatch(UUID);
      expect(license.creationDate).toMatch(/Z$/);
    }
    const allKw = plain.licenses.find((l) => l.key === demo.examples.allKwSetKey)!;
    expect([allKw.gridKw, allKw.solarKw, allKw.batteryKw, allKw.evKw].every((kw) => typeof kw === "number")).toBe(true);

    const withLinks = (await (await api(`/v1/license/customer/${customerId}?includeDatalinks=true`, { token })).json()) as {
      licenses: { key: string; datalinks: string[] }[];
    };
    const claimed = withLinks.licenses.find((l) => l.key === demo.examples.activeClaimedKey)!;
    expect(claimed.datalinks).toHaveLength(1);
    expect(claimed.datalinks[0]).toMatch(UUID);
    expect(withLinks.licenses.every((l) => Array.isArray(l.datalinks))).toBe(true);

    const empty = await (await api(`/v1/license/customer/${demo.examples.customerWithoutLicensesId}`, { token })).json();
    expect(empty).toEqual({ licenses: [] });
  });

  it("answers a misformatted customer id with 400 and an unknown one with 404", async () => {
    const bad = await api("/v1/license/customer/not-a-uuid", { token });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ statusCode: 400, error: "Bad Request", message: "Missing or misformatted query parameter or body" });
    const unknown = await api("/v1/license/customer/00000000-0000-4000-8000-000000000000", { token });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, error: "Not Found" });
  });

  it("lists a controller's licenses, none for a free controller, and 404 for an unknown one", async () => {
    const linked = (await (await api(`/v1/license/controller/${demo.examples.controllerWithLicensesNodeId}`, { token })).json()) as {
      licenses: { key: string }[];
    };
    expect(linked.licenses.map((l) => l.key)).toContain(demo.examples.activeClaimedKey);
    const free = await (await api(`/v1/license/controller/${demo.examples.controllerWithoutLicensesNodeId}`, { token })).json();
    expect(free).toEqual({ licenses: [] });
    expect((await api("/v1/license/controller/no-such-ctrl", { token })).status).toBe(404);
  });

  it("activates once, with the given date, and refuses a second activation", async () => {
    const key = demo.examples.inactiveUnclaimedKey;
    const first = await api("/v1/license/activate", { token, body: { key, activationIso: "2026-03-01T10:00:00+01:00" } });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { success: boolean; license: { key: string; activationDate: string } };
    expect(body.success).toBe(true);
    expect(body.license).toMatchObject({ key, activationDate: "2026-03-01T09:00:00.000Z" });
    expect(sim.data.licenses.find((l) => l.key === key)!.activationDate).toBe("2026-03-01T09:00:00.000Z");

    const second = await api("/v1/license/activate", { token, body: { key } });
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ statusCode: 400, error: "Bad Request", message: "License is already activated" });
  });

  it("activates without a date as now", async () => {
    const before = Date.now();
    const res = await api("/v1/license/activate", { token, body: { key: demo.examples.inactiveUnclaimedKey } });
    const { license } = (await res.json()) as { license: { activationDate: string } };
    expect(Date.parse(license.activationDate)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("validates the activate body strictly and answers an unknown key with 404", async () => {
    for (const body of [{}, { key: "" }, { key: "x".repeat(51) }, { key: "K", extra: 1 }, { key: "K", activationIso: "yesterday" }]) {
      const res = await api("/v1/license/activate", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const unknown = await api("/v1/license/activate", { token, body: { key: "NO-SUCH-KEY" } });
    expect(unknown.status).toBe(404);
  });

  it("claims a free license onto a controller, creating a datalink, and refuses a second claim", async () => {
    const licenseKey = demo.examples.activeUnclaimedKey;
    const nodeId = demo.examples.controllerWithoutLicensesNodeId;
    const res = await api("/v1/license/claim", { token, body: { licenseKey, nodeId } });
    expect(res.status).toBe(200);
    const license = demo.licenses.find((l) => l.key === licenseKey)!;
    expect(await res.json()).toEqual({ success: true, license: { id: license.id, key: licenseKey, nodeId } });

    const onController = (await (await api(`/v1/license/controller/${nodeId}`, { token })).json()) as { licenses: { key: string }[] };
    expect(onController.licenses.map((l) => l.key)).toEqual([licenseKey]);
    const link = sim.data.datalinks.find((d) => d.licenseId === license.id)!;
    expect(link.id).toMatch(UUID);

    const again = await api("/v1/license/claim", { token, body: { licenseKey, nodeId } });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ message: "Invalid request body or license already claimed" });
  });

  it("answers a bad claim body with 400 and an unknown license or controller with 404", async () => {
    for (const body of [{ licenseKey: "K" }, { licenseKey: "K", nodeId: "" }, { licenseKey: "K", nodeId: "n", x: 1 }]) {
      const res = await api("/v1/license/claim", { token, body });
      expect(await res.json(), JSON.stringify(body)).toEqual({
        statusCode: 400,
        error: "Bad Request",
        message: "Invalid request body or license already claimed",
      });
    }
    const unknownKey = await api("/v1/license/claim", { token, body: { licenseKey: "NO-SUCH", nodeId: "sofar-ctrl-004" } });
    expect(await unknownKey.json()).toEqual({ statusCode: 404, error: "Not Found", message: "License or controller not found" });
    const unknownNode = await api("/v1/license/claim", {
      token,
      body: { licenseKey: demo.examples.activeUnclaimedKey, nodeId: "no-such-ctrl" },
    });
    expect(unknownNode.status).toBe(404);
  });

  it("reset() restores the seed after activate and claim", async () => {
    await api("/v1/license/activate", { token, body: { key: demo.examples.inactiveUnclaimedKey } });
    await api("/v1/license/claim", {
      token,
      body: { licenseKey: demo.examples.activeUnclaimedKey, nodeId: demo.examples.controllerWithoutLicensesNodeId },
    });
    const liveLicenses = sim.data.licenses;
    sim.reset();
    const { examples: _a, ...seed } = enirisDemoData("sofar");
    const { examples: _b, ...live } = sim.data;
    expect(live).toEqual(seed);
    expect(sim.data.licenses).toBe(liveLicenses);
  });
});

describe("device query", () => {
  it("returns several controllers in one call for a list filter", async () => {
    const token = await accessToken();
    const nodeIds = ["sofar-ctrl-001", "sofar-ctrl-003", "not-there"];
    const res = await api("/v1/device/query", { token, body: { filter: { nodeId: nodeIds, nodeType: ["smartgridController"] } } });
    expect(res.status).toBe(200);
    const { device } = (await res.json()) as {
      device: { id: string; lastUpdate: string; properties: Record<string, string>; userRights: object }[];
    };
    expect(device.map((d) => d.properties.nodeId)).toEqual(["sofar-ctrl-001", "sofar-ctrl-003"]);
    expect(device[0]).toMatchObject({ properties: { nodeType: "smartgridController", serialNumber: "SF-SGC-2401-0001" } });
    expect(device[0]!.id).toMatch(UUID);

    const otherType = await api("/v1/device/query", { token, body: { filter: { nodeType: ["battery"] } } });
    expect(await otherType.json()).toEqual({ device: [] });
    const unknownKey = await api("/v1/device/query", { token, body: { filter: { serial: ["x"] } } });
    expect(unknownKey.status).toBe(400);
    const notAList = await api("/v1/device/query", { token, body: { filter: { nodeId: "sofar-ctrl-001" } } });
    expect(notAList.status).toBe(400);
  });
});

describe("routing and documents", () => {
  it("answers an unknown path with a 404 envelope, with or without a token", async () => {
    const res = await api("/v2/nothing");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ statusCode: 404, error: "Not Found", message: "Resource not found" });
  });

  it("serves its OpenAPI document as YAML and JSON", async () => {
    const yaml = await fetch(`${sim.apiUrl}/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(await yaml.text()).toContain("openapi: 3.1.0");
    const json = (await (await fetch(`${sim.apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(["/v1/license/claim", "/v1/device/query", "/auth/login"]));
    expect(json.paths["/v1/device/query"]!.post).toMatchObject({ "x-simulator-addition": true });
  });
});

describe("knobs", () => {
  it("serves a status fault with Retry-After for `times` requests, then recovers", async () => {
    const token = await accessToken();
    sim.fault({
      server: "api",
      path: /^\/v1\/license\/controller\//,
      kind: "status",
      status: 429,
      headers: { "retry-after": "2" },
      times: 1,
    });
    const limited = await api("/v1/license/controller/sofar-ctrl-001", { token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(await limited.json()).toEqual({ statusCode: 429, error: "Too Many Requests", message: "Too Many Requests" });
    expect((await api("/v1/license/controller/sofar-ctrl-001", { token })).status).toBe(200);
  });

  it("resets the socket, sends malformed JSON, and sends an oversized body", async () => {
    const token = await accessToken();
    const path = "/v1/license/controller/sofar-ctrl-001";
    sim.fault({ path, kind: "reset", times: 1 });
    await expect(api(path, { token })).rejects.toThrow(TypeError);
    sim.fault({ path, kind: "malformed", times: 1 });
    const malformed = await api(path, { token });
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow(SyntaxError);
    sim.fault({ path, kind: "oversized", sizeBytes: 200_000, times: 1 });
    const oversized = await api(path, { token });
    expect(oversized.headers.get("content-length")).toBe("200000");
    expect((await oversized.text()).length).toBe(200_000);
  });

  it("hangs on a timeout fault until the client gives up, and still closes promptly", async () => {
    const hanging = await startEnirisSimulator();
    hanging.fault({ server: "auth", kind: "timeout" });
    const started = Date.now();
    const pending = fetch(`${hanging.authUrl}/auth/accesstoken`, {
      headers: { authorization: "Bearer demo-refresh-token-sofar" },
      signal: AbortSignal.timeout(100),
    });
    await expect(pending).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(1000);
    // A second hung request still open at close time must not keep close() waiting.
    const stillOpen = fetch(`${hanging.authUrl}/auth/login`, { method: "POST" }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await hanging.close();
    expect(await stillOpen).toBeInstanceOf(TypeError);
  });

  it("adds latency to every request", async () => {
    sim.setLatency(60);
    const started = Date.now();
    await fetch(`${sim.apiUrl}/openapi.yaml`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("counts every request, faulted and failed ones included, without recording token values", async () => {
    const token = await accessToken(); // login + accesstoken
    await api("/v1/license/controller/sofar-ctrl-001", { token });
    await api("/v1/license/controller/no-such", { token });
    sim.fault({ kind: "status", status: 503, times: 1 });
    await api("/v1/license/customer/not-a-uuid");

    expect(sim.calls.count()).toBe(5);
    expect(sim.calls.count({ server: "auth" })).toBe(2);
    expect(sim.calls.count({ server: "api", path: /^\/v1\/license\/controller\// })).toBe(2);
    expect(sim.calls.count({ method: "post", path: "/auth/login" })).toBe(1);
    const list = sim.calls.list();
    expect(list.map((c) => c.status)).toEqual([200, 200, 200, 404, 503]);
    expect(list[4]).toMatchObject({ server: "api", method: "GET", path: "/v1/license/customer/not-a-uuid", authorization: false });
    expect(list[2]!.authorization).toBe(true);
    expect(JSON.stringify(list)).not.toContain(token);

    await api("/v1/license/customer/x?includeDatalinks=true");
    expect(sim.calls.list().at(-1)!.query).toEqual({ includeDatalinks: "true" });
    sim.calls.reset();
    expect(sim.calls.count()).toBe(0);
  });
});

describe("demo data", () => {
  it("is deterministic per brand and differs between brands", () => {
    expect(enirisDemoData("sofar")).toEqual(enirisDemoData("sofar"));
    const sgo = enirisDemoData("smartgridone");
    expect(sgo.customers.map((c) => c.id)).not.toEqual(demo.customers.map((c) => c.id));
    expect(sgo.controllers.map((c) => c.nodeId)).toContain("sgo-ctrl-001");
    for (const data of [demo, sgo]) {
      expect(data.customers.length).toBeGreaterThanOrEqual(3);
      expect(data.controllers.length).toBeGreaterThanOrEqual(4);
      expect(data.licenses.every((l) => l.key.length <= 50)).toBe(true);
    }
  });

  it("has licenses in each state at any date in 2026-2027", () => {
    const byKey = new Map(demo.licenses.map((l) => [l.key, l]));
    const endOf = (key: string) => {
      const l = byKey.get(key)!;
      const end = new Date(l.activationDate!);
      end.setUTCMonth(end.getUTCMonth() + l.duration);
      return end.getTime();
    };
    expect(byKey.get(demo.examples.inactiveUnclaimedKey)!.activationDate).toBeNull();
    expect(endOf(demo.examples.activeClaimedKey)).toBeGreaterThan(Date.parse("2028-01-01T00:00:00Z"));
    expect(endOf(demo.examples.expiredKey)).toBeLessThan(Date.parse("2026-01-01T00:00:00Z"));
    expect(Date.parse(byKey.get(demo.examples.deactivatedKey)!.deactivationDate!)).toBeLessThan(Date.parse("2026-01-01T00:00:00Z"));
  });
});
