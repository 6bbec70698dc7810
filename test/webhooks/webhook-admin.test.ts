import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { AUTH_OFF_PRINCIPAL } from "../../src/auth/principal.js";
import { isGatewayError } from "../../src/errors/gateway-error.js";
import { AuditedWriter } from "../../src/federation/mutations/audited.js";
import { MAX_WEBHOOKS_PER_KEY, WebhookAdmin } from "../../src/webhooks/webhook-admin.js";
import { engines, useEngine } from "../store/engines.js";
import { appendEvents, newEvent, principalOf, seedKeys } from "./fixtures.js";

const URL_OK = "http://127.0.0.1:9/hook";

describe.each(engines)("webhook administration on $name", (engine) => {
  const ctx = useEngine(engine);
  const adminOf = (principal: Principal, allowPrivateAddresses = true) =>
    new WebhookAdmin(new AuditedWriter(ctx.store, principal.id), principal, { allowPrivateAddresses });

  async function codeOf(pending: Promise<unknown>): Promise<{ code: string; field: string[] | undefined }> {
    try {
      await pending;
    } catch (error) {
      if (isGatewayError(error)) return { code: error.code, field: error.field };
      throw error;
    }
    throw new Error("no error");
  }

  it("creates a webhook for the caller's own key and shows its secret once: whsec_ and 32 random bytes", async () => {
    const keys = await seedKeys(ctx.store);
    const partner = adminOf(principalOf(keys.partner));
    const created = await partner.createWebhook({ url: URL_OK, types: ["EXPIRED", "BLOCKED", "EXPIRED"] });
    expect(created.errors).toEqual([]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.webhook).toMatchObject({ keyId: keys.partner.id, url: URL_OK, types: ["BLOCKED", "EXPIRED"], disabledAt: null });
    expect(created.webhook!.id).toMatch(/^wh_[0-9a-f]{16}$/);
    expect(created.webhook).not.toHaveProperty("secret");

    const listed = await partner.listWebhooks();
    expect(listed).toEqual([created.webhook]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    // The dispatcher signs with what the store keeps.
    expect((await ctx.store.webhooks.get(created.webhook!.id))!.secret).toBe(created.secret);
    const second = await partner.createWebhook({ url: URL_OK });
    expect(second.secret).not.toBe(created.secret);
    expect(second.webhook!.types).toBeNull();
  });

  it("audits creation without the secret", async () => {
    const keys = await seedKeys(ctx.store);
    const created = await adminOf(principalOf(keys.customer)).createWebhook({ url: URL_OK });
    const rows = (await ctx.store.audit.recent(100)).filter((r) => r.principal === `apikey:${keys.customer.id}`);
    expect(rows.map((r) => r.operation)).toEqual(["createWebhook"]);
    expect(JSON.stringify(rows)).not.toContain(created.secret!);
  });

  it("refuses a bad URL in the payload's errors, BAD_USER_INPUT on input.url, and a private address unless allowed", async () => {
    const keys = await seedKeys(ctx.store);
    const partner = adminOf(principalOf(keys.partner));
    for (const url of ["not a url", "ftp://example.com/x", "https://user:pw@example.com/x"]) {
      const refused = await partner.createWebhook({ url });
      expect(refused, url).toMatchObject({ webhook: null, secret: null, errors: [{ code: "BAD_USER_INPUT", field: ["input", "url"] }] });
    }
    const strict = adminOf(principalOf(keys.partner), false);
    expect((await strict.createWebhook({ url: URL_OK })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "url"] }),
    ]);
    expect(await partner.listWebhooks()).toEqual([]);
  });

  it("refuses unknown or empty event types, naming the item", async () => {
    const keys = await seedKeys(ctx.store);
    const partner = adminOf(principalOf(keys.partner));
    expect((await partner.createWebhook({ url: URL_OK, types: ["CLAIMED", "EXPLODED" as never] })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "types", "1"] }),
    ]);
    expect((await partner.createWebhook({ url: URL_OK, types: [] })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "types"] }),
    ]);
  });

  it("lets an admin manage any key's webhooks; a partner may not name another key", async () => {
    const keys = await seedKeys(ctx.store);
    const admin = adminOf(principalOf(keys.admin));
    const forCustomer = await admin.createWebhook({ keyId: keys.customer.id, url: URL_OK });
    expect(forCustomer.webhook).toMatchObject({ keyId: keys.customer.id });
    expect(await adminOf(principalOf(keys.customer)).listWebhooks()).toEqual([forCustomer.webhook]);
    expect((await admin.listWebhooks({ keyId: keys.customer.id })).map((w) => w.id)).toEqual([forCustomer.webhook!.id]);

    const partner = adminOf(principalOf(keys.partner));
    expect((await partner.createWebhook({ keyId: keys.customer.id, url: URL_OK })).errors).toEqual([
      expect.objectContaining({ code: "FORBIDDEN" }),
    ]);
    expect((await admin.createWebhook({ keyId: "0000000000000000", url: URL_OK })).errors).toEqual([
      expect.objectContaining({ code: "NOT_FOUND", field: ["input", "keyId"] }),
    ]);
  });

  it("a caller without an API key: an admin names the key, anyone else is refused", async () => {
    const keys = await seedKeys(ctx.store);
    const off = adminOf(AUTH_OFF_PRINCIPAL);
    expect((await off.createWebhook({ url: URL_OK })).errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "keyId"] }),
    ]);
    expect((await off.createWebhook({ keyId: keys.partner.id, url: URL_OK })).errors).toEqual([]);
    const jwtPartner: Principal = { id: "jwt:acme", role: "partner", customerIds: [keys.c1], via: "jwt" };
    expect((await adminOf(jwtPartner).createWebhook({ url: URL_OK })).errors).toEqual([expect.objectContaining({ code: "FORBIDDEN" })]);
    expect(await adminOf(jwtPartner).listWebhooks()).toEqual([]);
  });

  it(`bounds a key's active webhooks at ${MAX_WEBHOOKS_PER_KEY}; a disabled one frees its place`, async () => {
    const keys = await seedKeys(ctx.store);
    const customer = adminOf(principalOf(keys.customer));
    const made = [];
    for (let i = 0; i < MAX_WEBHOOKS_PER_KEY; i++) made.push((await customer.createWebhook({ url: `${URL_OK}/${i}` })).webhook!);
    expect((await customer.createWebhook({ url: URL_OK })).errors).toEqual([expect.objectContaining({ code: "BAD_USER_INPUT" })]);
    await customer.disableWebhook({ id: made[0]!.id });
    expect((await customer.createWebhook({ url: URL_OK })).errors).toEqual([]);
  });

  it("disables a webhook of one's own; another key's webhook is NOT_FOUND, as a missing one", async () => {
    const keys = await seedKeys(ctx.store);
    const partner = adminOf(principalOf(keys.partner));
    const customer = adminOf(principalOf(keys.customer));
    const { webhook } = await partner.createWebhook({ url: URL_OK });

    const refused = await customer.disableWebhook({ id: webhook!.id });
    const missing = await customer.disableWebhook({ id: "wh_0000000000000000" });
    expect(refused).toEqual(missing);
    expect(refused.errors).toEqual([expect.objectContaining({ code: "NOT_FOUND", field: ["input", "id"] })]);

    const disabled = await partner.disableWebhook({ id: webhook!.id });
    expect(disabled.webhook!.disabledAt).toBeInstanceOf(Date);
    const again = await partner.disableWebhook({ id: webhook!.id });
    expect(again.webhook!.disabledAt).toEqual(disabled.webhook!.disabledAt);
    expect(await partner.listWebhooks()).toEqual([]);
    expect((await partner.listWebhooks({ includeDisabled: true })).map((w) => w.id)).toEqual([webhook!.id]);
  });

  it("shows the delivery log to the webhook's key and to admins, newest first, paged; to others it is NOT_FOUND", async () => {
    const keys = await seedKeys(ctx.store);
    const partner = adminOf(principalOf(keys.partner));
    const { webhook } = await partner.createWebhook({ url: URL_OK });
    const events = await appendEvents(ctx.store, newEvent(keys.c1), newEvent(keys.c1), newEvent(keys.c1));
    await ctx.store.webhooks.enqueue(
      events.map((e) => ({ webhookId: webhook!.id, cursor: e.cursor })),
      new Date(),
    );
    const page1 = await partner.deliveries({ webhookId: webhook!.id, first: 2 });
    expect(page1.rows.map((r) => r.cursor)).toEqual([events[2]!.cursor, events[1]!.cursor]);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await partner.deliveries({ webhookId: webhook!.id, first: 2, after: page1.endCursor });
    expect(page2.rows.map((r) => r.cursor)).toEqual([events[0]!.cursor]);
    expect((await adminOf(principalOf(keys.admin)).deliveries({ webhookId: webhook!.id })).rows).toHaveLength(3);

    expect(await codeOf(adminOf(principalOf(keys.customer)).deliveries({ webhookId: webhook!.id }))).toEqual({
      code: "NOT_FOUND",
      field: ["webhookId"],
    });
    expect(await codeOf(partner.deliveries({ webhookId: webhook!.id, first: 1000 }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["first"],
    });
  });
});
