import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEnirisSimulator, type EnirisSimulator, type EnirisSimulatorOptions } from "../../../src/simulators/eniris/server.js";
import {
  DEMO_USER,
  REFRESH_TOKEN,
  apiCalls,
  closeSources,
  expectGatewayError,
  loginCalls,
  rejectionOf,
  sourceFor,
  tokenCalls,
} from "./support.js";

/** The token flow of eniris-auth.md as the adapter runs it, counted at the simulator's auth host. */

let sim: EnirisSimulator;
const extraSims: EnirisSimulator[] = [];

async function extraSimulator(options: EnirisSimulatorOptions): Promise<EnirisSimulator> {
  const s = await startEnirisSimulator(options);
  extraSims.push(s);
  return s;
}

beforeAll(async () => {
  sim = await startEnirisSimulator({ brand: "sofar" });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});
afterEach(async () => {
  await closeSources();
  await Promise.all(extraSims.splice(0).map((s) => s.close()));
});

const customer = () => sim.data.examples.customerWithLicensesId;

describe("refresh-token flow", () => {
  it("fetches exactly one access token on the first call, never logs in, and reuses the token afterwards", async () => {
    const source = sourceFor(sim);
    expect(tokenCalls(sim)).toBe(0);

    const [first] = await source.licensesOfAccounts([customer()]);
    expect(Array.isArray(first)).toBe(true);
    expect(tokenCalls(sim)).toBe(1);
    expect(loginCalls(sim)).toBe(0);

    await source.licensesOfAccounts([customer()]);
    await source.licensesOfControllers([sim.data.examples.controllerWithLicensesNodeId]);
    await source.controllers([sim.data.examples.controllerWithLicensesNodeId]);
    expect(tokenCalls(sim)).toBe(1);
    expect(loginCalls(sim)).toBe(0);
    expect(apiCalls(sim)).toBe(4);
    // Every API call carried a token.
    expect(sim.calls.list().filter((c) => c.server === "api" && !c.authorization)).toEqual([]);
  });
});

describe("username/password flow", () => {
  it("logs in once and fetches one access token, then reuses both", async () => {
    const source = sourceFor(sim, { refreshToken: undefined, ...DEMO_USER });
    await source.licensesOfAccounts([customer()]);
    await source.licensesOfAccounts([customer()]);
    expect(loginCalls(sim)).toBe(1);
    expect(tokenCalls(sim)).toBe(1);
    expect(sim.calls.count({ server: "auth" })).toBe(2);
  });

  it("accepts JSON-quoted tokens from the auth host (login and access token)", async () => {
    const quoted = await extraSimulator({ quoteTokens: true });
    const source = sourceFor(quoted, { refreshToken: undefined, ...DEMO_USER });
    const [licenses] = await source.licensesOfAccounts([quoted.data.examples.customerWithLicensesId]);
    expect(Array.isArray(licenses) && licenses.length).toBeGreaterThan(0);
    expect(loginCalls(quoted)).toBe(1);
    expect(tokenCalls(quoted)).toBe(1);
    // The quotes were stripped: the access token opened the API at the first try (no 401, no retry).
    expect(
      quoted.calls
        .list()
        .filter((c) => c.server === "api")
        .map((c) => c.status),
    ).toEqual([200]);
  });

  it("accepts a JSON-quoted access token for a configured refresh token", async () => {
    const quoted = await extraSimulator({ quoteTokens: true });
    const source = sourceFor(quoted);
    const [licenses] = await source.licensesOfAccounts([quoted.data.examples.customerWithLicensesId]);
    expect(Array.isArray(licenses)).toBe(true);
    expect(
      quoted.calls
        .list()
        .filter((c) => c.server === "api")
        .map((c) => c.status),
    ).toEqual([200]);
  });
});

describe("single flight", () => {
  it("50 concurrent calls on a fresh source fetch exactly one access token", async () => {
    const source = sourceFor(sim);
    const results = await Promise.all(Array.from({ length: 50 }, () => source.licensesOfAccounts([customer()])));
    expect(results.every(([r]) => Array.isArray(r))).toBe(true);
    expect(tokenCalls(sim)).toBe(1);
    expect(loginCalls(sim)).toBe(0);
    expect(apiCalls(sim)).toBe(50);
  });

  it("50 concurrent calls with username/password log in once and fetch one access token", async () => {
    const source = sourceFor(sim, { refreshToken: undefined, ...DEMO_USER });
    await Promise.all(Array.from({ length: 50 }, () => source.licensesOfAccounts([customer()])));
    expect(loginCalls(sim)).toBe(1);
    expect(tokenCalls(sim)).toBe(1);
  });
});

describe("access token expiry", () => {
  it("after the vendor stops accepting the token, the next call gets a 401, fetches one new token and is retried once", async () => {
    const source = sourceFor(sim);
    await source.licensesOfAccounts([customer()]);
    expect(tokenCalls(sim)).toBe(1);

    sim.expireAccessTokens();
    sim.calls.reset();
    const [licenses] = await source.licensesOfAccounts([customer()]);
    expect(Array.isArray(licenses)).toBe(true);
    expect(tokenCalls(sim)).toBe(1);
    expect(
      sim.calls
        .list()
        .filter((c) => c.server === "api")
        .map((c) => c.status),
    ).toEqual([401, 200]);

    // The new token is kept for later calls.
    await source.licensesOfAccounts([customer()]);
    expect(tokenCalls(sim)).toBe(1);
  });

  it("a burst of 20 calls after expiry fetches exactly one new token and every call succeeds", async () => {
    const source = sourceFor(sim);
    await source.licensesOfAccounts([customer()]);
    sim.expireAccessTokens();
    sim.calls.reset();

    const results = await Promise.all(Array.from({ length: 20 }, () => source.licensesOfAccounts([customer()])));
    expect(results.every(([r]) => Array.isArray(r))).toBe(true);
    expect(tokenCalls(sim)).toBe(1);
    const statuses = sim.calls
      .list()
      .filter((c) => c.server === "api")
      .map((c) => c.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s !== 200 && s !== 401)).toEqual([]);
  });

  it("a call still refused after the renewed token reports UPSTREAM_UNAUTHENTICATED, retrying only once", async () => {
    const source = sourceFor(sim);
    await source.licensesOfAccounts([customer()]);
    sim.calls.reset();
    sim.fault({ server: "api", kind: "status", status: 401 });
    const [result] = await source.licensesOfAccounts([customer()]);
    expectGatewayError(result, "UPSTREAM_UNAUTHENTICATED");
    expect(apiCalls(sim)).toBe(2);
    expect(tokenCalls(sim)).toBe(1);
  });

  it("reuses a token that has more than the renewal margin (60 s) left", async () => {
    const s = await extraSimulator({ accessTokenTtlMs: 3 * 60_000 });
    const source = sourceFor(s);
    for (let i = 0; i < 3; i++) await source.licensesOfAccounts([s.data.examples.customerWithLicensesId]);
    expect(tokenCalls(s)).toBe(1);
  });

  it("renews before every call when the vendor's tokens live less than the margin, and every call works", async () => {
    const s = await extraSimulator({ accessTokenTtlMs: 30_000 });
    const source = sourceFor(s);
    for (let i = 0; i < 3; i++) {
      const [licenses] = await source.licensesOfAccounts([s.data.examples.customerWithLicensesId]);
      expect(Array.isArray(licenses)).toBe(true);
    }
    expect(tokenCalls(s)).toBe(3);
    expect(
      s.calls
        .list()
        .filter((c) => c.server === "api")
        .map((c) => c.status),
    ).toEqual([200, 200, 200]);
  });
});

describe("bad credentials", () => {
  it("a refused refresh token (no username configured) is UPSTREAM_UNAUTHENTICATED and the token appears nowhere in the error", async () => {
    const secret = "wrong-refresh-token-7f3a9c";
    const source = sourceFor(sim, { refreshToken: secret });
    const [result] = await source.licensesOfAccounts([customer()]);
    const error = expectGatewayError(result, "UPSTREAM_UNAUTHENTICATED");
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String(error)).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
    expect(loginCalls(sim)).toBe(0);
    expect(tokenCalls(sim)).toBe(1);
    expect(apiCalls(sim)).toBe(0);
  });

  it("activate with a refused refresh token rejects with UPSTREAM_UNAUTHENTICATED", async () => {
    const source = sourceFor(sim, { refreshToken: "nope" });
    const error = await rejectionOf(source.activate({ key: sim.data.examples.inactiveUnclaimedKey }));
    expectGatewayError(error, "UPSTREAM_UNAUTHENTICATED");
    expect(apiCalls(sim)).toBe(0);
  });

  it("a wrong password is UPSTREAM_UNAUTHENTICATED and the password appears nowhere in the error", async () => {
    const password = "wrong-password-51c2";
    const source = sourceFor(sim, { refreshToken: undefined, username: DEMO_USER.username, password });
    const [result] = await source.licensesOfAccounts([customer()]);
    const error = expectGatewayError(result, "UPSTREAM_UNAUTHENTICATED");
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(password);
    expect(loginCalls(sim)).toBe(1);
    expect(tokenCalls(sim)).toBe(0);
    expect(apiCalls(sim)).toBe(0);
  });

  it("a refused refresh token with username/password configured logs in again and succeeds", async () => {
    const source = sourceFor(sim, { refreshToken: "revoked-refresh-token", ...DEMO_USER });
    const [licenses] = await source.licensesOfAccounts([customer()]);
    expect(Array.isArray(licenses)).toBe(true);
    expect(loginCalls(sim)).toBe(1);
    expect(tokenCalls(sim)).toBe(2);
    expect(
      sim.calls
        .list()
        .filter((c) => c.server === "auth")
        .map((c) => [c.path, c.status]),
    ).toEqual([
      ["/auth/accesstoken", 401],
      ["/auth/login", 200],
      ["/auth/accesstoken", 200],
    ]);

    // The refresh token from the login is kept: later calls need neither a login nor a new token.
    await source.licensesOfAccounts([customer()]);
    expect(loginCalls(sim)).toBe(1);
    expect(tokenCalls(sim)).toBe(2);
  });

  it("the configured refresh token is used as is when it is valid, even with username/password configured", async () => {
    const source = sourceFor(sim, { refreshToken: REFRESH_TOKEN, ...DEMO_USER });
    await source.licensesOfAccounts([customer()]);
    expect(loginCalls(sim)).toBe(0);
    expect(tokenCalls(sim)).toBe(1);
  });
});
