import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { webhooksSchema } from "../../src/config/webhooks.js";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { startWebhookDelivery, type SubscribeToEvents } from "../../src/webhooks/webhook-delivery.js";
import { engines, useEngine } from "../store/engines.js";
import { appendEvents, eventually, newEvent, seedKeys } from "./fixtures.js";
import { startReceiver } from "./receiver.js";

/** A bus as small as the real one's contract: listeners get each published batch. */
function bus() {
  const listeners = new Set<(events: readonly LicenseEvent[]) => void>();
  const subscribe: SubscribeToEvents = (_filter, onEvents) => {
    listeners.add(onEvents);
    return () => listeners.delete(onEvents);
  };
  return { subscribe, publish: (events: LicenseEvent[]) => listeners.forEach((l) => l(events)), listeners };
}

describe("startWebhookDelivery", () => {
  const ctx = useEngine(engines[0]!);

  it("sends what the bus publishes; with webhooks.enabled off it only queues; close unsubscribes", async () => {
    const keys = await seedKeys(ctx.store);
    const receiver = await startReceiver();
    receiver.secret = `whsec_${randomBytes(32).toString("base64url")}`;
    const webhook = await ctx.store.webhooks.create({
      id: `wh_${randomBytes(8).toString("hex")}`,
      keyId: keys.admin.id,
      url: receiver.url,
      secret: receiver.secret,
      types: null,
    });
    const logger = pino({ level: "silent" });

    const off = bus();
    const idle = startWebhookDelivery(webhooksSchema.parse({ enabled: false, allowPrivateAddresses: true }), {
      store: ctx.store,
      logger,
      subscribe: off.subscribe,
    });
    off.publish(await appendEvents(ctx.store, newEvent(keys.c1)));
    await eventually(async () => ((await ctx.store.webhooks.deliveries(webhook.id, 10)).rows.length === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received).toHaveLength(0);
    await idle.close();
    expect(off.listeners.size).toBe(0);

    const on = bus();
    const outcomes: string[] = [];
    const delivery = startWebhookDelivery(webhooksSchema.parse({ allowPrivateAddresses: true }), {
      store: ctx.store,
      logger,
      subscribe: on.subscribe,
      onOutcome: (o) => outcomes.push(o),
    });
    // The one queued while delivery was off goes out now, with the new one.
    on.publish(await appendEvents(ctx.store, newEvent(keys.c1)));
    const got = await receiver.waitFor(2);
    expect(got.every((r) => r.verified)).toBe(true);
    await eventually(async () => (outcomes.length === 2 ? true : undefined));
    expect(outcomes).toEqual(["delivered", "delivered"]);
    await delivery.close();
    expect(on.listeners.size).toBe(0);
    await receiver.close();
  });

  it("the config's defaults: on, 8 attempts, 10 s, 8 in parallel, no private addresses", () => {
    expect(webhooksSchema.parse({})).toEqual({
      enabled: true,
      maxAttempts: 8,
      timeoutMs: 10_000,
      maxParallel: 8,
      allowPrivateAddresses: false,
    });
  });
});
