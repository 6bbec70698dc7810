import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

// Every burst must reach the vendors to show how tokens are shared: no cross-request cache in front of them.
const t = useTestGateway({ cache: { enabled: false } });

const QUERY = `{ customers { edges { node { licenses { key } } } } }`;

async function burst(n: number) {
  const results = await Promise.all(Array.from({ length: n }, () => t.gql(QUERY)));
  for (const r of results) expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
}

describe("vendor access tokens across concurrent GraphQL requests", () => {
  it("a burst on a fresh gateway fetches one access token per vendor instance (refresh token and login flows)", async () => {
    await burst(25);
    const { sofar, smartgridone } = t.vendors;
    expect(sofar.calls.count({ server: "auth", path: "/auth/accesstoken" })).toBe(1);
    expect(sofar.calls.count({ server: "auth", path: "/auth/login" })).toBe(0);
    expect(smartgridone.calls.count({ server: "auth", path: "/auth/login" })).toBe(1);
    expect(smartgridone.calls.count({ server: "auth", path: "/auth/accesstoken" })).toBe(1);
  });

  it("after the vendor expires every token mid-run, the next burst renews it once and loses nothing", async () => {
    t.resetCalls();
    t.vendors.sofar.expireAccessTokens();
    t.vendors.smartgridone.expireAccessTokens();
    await burst(25);
    for (const sim of [t.vendors.sofar, t.vendors.smartgridone]) {
      expect(sim.calls.count({ server: "auth", path: "/auth/accesstoken" })).toBe(1);
      expect(sim.calls.count({ server: "auth", path: "/auth/login" })).toBe(0);
    }
  });
});
