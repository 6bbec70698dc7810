import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { A, AUTH_ON, B, makePrincipals, type Principals } from "../auth/roles.js";
import { testServices } from "../support/gateway.js";

/**
 * Issue 16's first "done when", end to end: the sync runs on its own interval (nothing calls runNow), a license is
 * changed at its simulator behind the gateway's back, and SSE subscribers (raw streams, as curl reads them) get the
 * event within one interval: the admin both changes, a partner only its granted customer's.
 */
const INTERVAL_MS = 1_000;
const JITTER = 0.1;

describe("a change at a vendor reaches SSE subscribers within one sync interval", () => {
  const services = testServices();
  let vendors: DemoVendors;
  let gateway: Gateway;
  let who: Principals;

  beforeAll(async () => {
    vendors = await startDemoVendors();
    const config = configSchema.parse({
      server: { host: "127.0.0.1", port: 0 },
      store: services.store,
      cache: services.cache,
      sources: vendors.sources,
      auth: AUTH_ON,
      sync: { enabled: true, intervalMs: INTERVAL_MS, jitter: JITTER },
    });
    gateway = await startGateway({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) });
    await seedDemo(gateway.store);
    who = await makePrincipals(gateway.store);
    // The loops' first runs index what is there (APPEARED): wait until Cryptolens's has both customers' accounts.
    const until = Date.now() + 15_000;
    while (!(await activeCryptolensOf(A)) || !(await activeCryptolensOf(B))) {
      if (Date.now() > until) throw new Error("the sync did not index both customers' Cryptolens licenses within 15 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 30_000);

  afterAll(async () => {
    await gateway?.close();
    await vendors?.close();
    await services.cleanUp();
  });

  /** An active Cryptolens license of `customerId` in the index, once the sync has written its account. */
  async function activeCryptolensOf(customerId: string) {
    return (await gateway.store.licenseIndex.page({ sources: ["cryptolens"], customerIds: [customerId], status: ["ACTIVE"] }, 100)).rows[0];
  }

  /** A raw SSE stream of licenseEvents after `after`, collecting the events' data as they come. */
  function subscribe(headers: Record<string, string>, after: number) {
    const aborted = new AbortController();
    const received: Array<{ licenseId: string; type: string; customerId: string; at: string }> = [];
    const done = (async () => {
      const res = await fetch(gateway.url, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({
          query: `subscription($after: String) { licenseEvents(after: $after) { licenseId type customerId at } }`,
          variables: { after: String(after) },
        }),
        signal: aborted.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        let at: number;
        while ((at = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (/^event: next$/m.test(message) && data) received.push(JSON.parse(data).data.licenseEvents);
        }
      }
    })().catch((error: unknown) => {
      if (!aborted.signal.aborted) throw error;
    });
    return { received, close: () => aborted.abort(), done };
  }

  it("blocks one key of customer A and one of customer B at Cryptolens; the admin gets both, partner A only A's", async () => {
    const ofA = (await activeCryptolensOf(A))!;
    const ofB = (await activeCryptolensOf(B))!;
    const from = await gateway.store.licenseEvents.latestCursor();
    const admin = subscribe(who.headers.admin, from);
    const partner = subscribe(who.headers.partnerA, from);
    try {
      const changedAt = Date.now();
      for (const license of [ofA, ofB])
        expect(vendors.cryptolens.changeLicense(license.externalId, { kind: "block" })).toEqual({ ok: true });
      const blocked = (list: typeof admin.received) =>
        list
          .filter((e) => e.type === "BLOCKED")
          .map((e) => e.licenseId)
          .sort();
      await expect
        .poll(() => blocked(admin.received), { timeout: 10_000 })
        .toEqual([`cryptolens:${ofA.externalId}`, `cryptolens:${ofB.externalId}`].sort());
      await expect.poll(() => blocked(partner.received), { timeout: 10_000 }).toEqual([`cryptolens:${ofA.externalId}`]);
      // Noticed by the next run: the event's time is its read, at most one (jittered) interval after the change,
      // plus the time that run took.
      for (const event of admin.received.filter((e) => e.type === "BLOCKED")) {
        expect(Date.parse(event.at) - changedAt).toBeLessThan(INTERVAL_MS * (1 + JITTER) + 2_000);
      }
      expect(partner.received.every((e) => e.customerId === A)).toBe(true);
    } finally {
      admin.close();
      partner.close();
      await Promise.all([admin.done, partner.done]);
    }
  });
});
