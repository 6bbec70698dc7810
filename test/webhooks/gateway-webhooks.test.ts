import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { WebhookAdmin } from "../../src/webhooks/webhook-admin.js";
import { useTestGateway } from "../support/gateway.js";
import { principalOf } from "./fixtures.js";
import { startReceiver } from "./receiver.js";

/**
 * Issue 16's "done when", for webhooks: a change made at a simulator behind the gateway's back reaches a webhook
 * receiver with a valid signature, and a partner's receiver gets only its granted customers' events. The whole
 * gateway: the sync finds the change, the bus hands it over, fan-out and the dispatcher deliver it.
 */
describe("webhooks in a running gateway", () => {
  // A day: runNow does the syncing.
  const t = useTestGateway({ sync: { enabled: true, intervalMs: 86_400_000 }, webhooks: { allowPrivateAddresses: true } });

  it("a license blocked at the vendor reaches the admin's receiver and, for its granted customer only, the partner's", async () => {
    const seen: LicenseEvent[] = [];
    t.gateway.sync!.onEvents((batch) => seen.push(...batch));
    expect(await t.gateway.sync!.runNow("cryptolens")).toMatchObject({ ok: true });
    const unblocked = t.vendors.cryptolens.data.keys.filter((k) => !k.block);
    const owner = (key: string) => seen.find((e) => e.externalId === key)?.customerId ?? null;
    const granted = unblocked.find((k) => owner(k.key) !== null)!;
    const other = unblocked.find((k) => owner(k.key) !== null && owner(k.key) !== owner(granted.key))!;
    expect(granted && other, "the demo's cryptolens licenses belong to two customers at least").toBeTruthy();

    const key = (role: "admin" | "partner", grants: string[]) =>
      t.gateway.store.apiKeys.insert({
        id: randomBytes(8).toString("hex"),
        name: role,
        role,
        customerId: null,
        keyHash: "x".repeat(64),
        grants,
      });
    const admin = await key("admin", []);
    const partner = await key("partner", [owner(granted.key)!]);
    const receiverOf = async (apiKey: typeof admin) => {
      const receiver = await startReceiver();
      const created = await new WebhookAdmin(new AuditedWriter(t.gateway.store, "test"), principalOf(apiKey), {
        allowPrivateAddresses: true,
      }).createWebhook({ url: receiver.url, types: ["BLOCKED"] });
      expect(created.errors).toEqual([]);
      receiver.secret = created.secret!;
      return receiver;
    };
    const adminReceiver = await receiverOf(admin);
    const partnerReceiver = await receiverOf(partner);

    granted.block = true;
    other.block = true;
    expect(await t.gateway.sync!.runNow("cryptolens")).toMatchObject({ ok: true, events: 2 });

    const toAdmin = await adminReceiver.waitFor(2);
    expect(toAdmin.every((r) => r.verified)).toBe(true);
    expect(toAdmin.map((r) => JSON.parse(r.body).licenseId).sort()).toEqual(
      [`cryptolens:${granted.key}`, `cryptolens:${other.key}`].sort(),
    );
    const [toPartner] = await partnerReceiver.waitFor(1);
    expect(toPartner!.verified).toBe(true);
    expect(JSON.parse(toPartner!.body)).toMatchObject({ type: "BLOCKED", licenseId: `cryptolens:${granted.key}`, status: "BLOCKED" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(partnerReceiver.received).toHaveLength(1);
    await adminReceiver.close();
    await partnerReceiver.close();
  });
});
