import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { useTestGateway } from "../support/gateway.js";

describe("the gateway's sync", () => {
  // A day: the loop's own first run does not come during the test; runNow does the syncing.
  const t = useTestGateway({ sync: { enabled: true, intervalMs: 86_400_000 } });

  it("is off unless the config turns it on", () => {
    expect(configSchema.parse({}).sync.enabled).toBe(false);
  });

  it("syncs every vendor source that lists licenses by account, and serves the change through GraphQL at once", async () => {
    expect(t.gateway.sync!.sourceIds.sort()).toEqual(["cryptolens", "flashstart", "smartgridone", "sofar"]);
    const events: LicenseEvent[] = [];
    t.gateway.sync!.onEvents((batch) => events.push(...batch));
    const first = await t.gateway.sync!.runNow("cryptolens");
    expect(first).toMatchObject({ ok: true });
    expect(events.length).toBe(first!.licenses);

    // A license read through GraphQL (and cached), then blocked at the vendor behind the gateway's back.
    const key = t.vendors.cryptolens.data.keys.find((k) => !k.block && events.some((e) => e.externalId === k.key))!;
    const query = `query($id: ID!) { node(id: $id) { ... on License { status } } }`;
    const read = async () => {
      const res = await fetch(t.gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables: { id: `cryptolens:${key.key}` } }),
      });
      return ((await res.json()) as { data: { node: { status: string } | null } }).data.node?.status;
    };
    expect(await read()).toBe("ACTIVE");
    key.block = true;
    events.length = 0;
    expect(await t.gateway.sync!.runNow("cryptolens")).toMatchObject({ ok: true, events: 1 });
    expect(events.map((e) => [e.type, e.externalId])).toEqual([["BLOCKED", key.key]]);
    // The sync dropped what the caches held about it: the client told of the change reads the new state.
    expect(await read()).toBe("BLOCKED");
  });
});
