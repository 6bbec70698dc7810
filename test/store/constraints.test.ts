import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sqlState } from "../../src/store/db.js";
import { engines, unique, useEngine } from "./engines.js";

/**
 * The schema's own rules, written straight to the tables past the query modules' checks: each engine refuses the
 * same rows with the same SQLSTATE and cascades the same deletes (SQLite's baseline and migrations against PostgreSQL's).
 */
describe.each(engines)("the schema's constraints on $name", (engine) => {
  const ctx = useEngine(engine);
  const k = () => ctx.db.kysely;
  const refused = async (write: Promise<unknown>) =>
    sqlState(
      await write.then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
  const keyId = () => randomBytes(8).toString("hex");
  const hash = () => randomBytes(32).toString("hex");
  const now = () => ctx.db.dialect.now();

  it("checks values: an audit outcome, a key's role and its customer, a document's hash and type", async () => {
    expect(
      await refused(
        k()
          .insertInto("audit_log")
          .values({ operation: "x", input: "{}", outcome: "maybe" as "ok", at: now() })
          .execute(),
      ),
    ).toBe("23514");
    expect(
      await refused(
        k()
          .insertInto("api_keys")
          .values({ id: keyId(), name: "n", role: "root" as "admin", customer_id: null, key_hash: "h" })
          .execute(),
      ),
    ).toBe("23514");
    // A customer key names its customer; other roles name none.
    expect(
      await refused(
        k().insertInto("api_keys").values({ id: keyId(), name: "n", role: "customer", customer_id: null, key_hash: "h" }).execute(),
      ),
    ).toBe("23514");
    const customer = await ctx.store.customers.upsert({ name: "C", accounts: [] });
    expect(
      await refused(
        k().insertInto("api_keys").values({ id: keyId(), name: "n", role: "admin", customer_id: customer.id, key_hash: "h" }).execute(),
      ),
    ).toBe("23514");

    const id = keyId();
    await k().insertInto("api_keys").values({ id, name: "n", role: "admin", customer_id: null, key_hash: "h" }).execute();
    const doc = (h: string, type = "query") =>
      k()
        .insertInto("trusted_documents")
        .values({ key_id: id, hash: h, body: "{ a }", operation_type: type as "query", operation_name: null })
        .execute();
    expect(await refused(doc(hash().toUpperCase()))).toBe("23514");
    expect(await refused(doc(hash().slice(1)))).toBe("23514");
    expect(await refused(doc(`${hash().slice(1)}g`))).toBe("23514");
    expect(await refused(doc(hash(), "fragment"))).toBe("23514");
    await doc(hash());
  });

  it("refuses missing values and repeated keys", async () => {
    expect(
      await refused(
        k()
          .insertInto("customers")
          .values({ id: unique("c"), name: null as unknown as string })
          .execute(),
      ),
    ).toBe("23502");
    expect(
      await refused(
        k()
          .insertInto("customers")
          .values({ id: null as unknown as string, name: "No id" })
          .execute(),
      ),
    ).toBe("23502");
    const id = unique("c");
    await k().insertInto("customers").values({ id, name: "Once" }).execute();
    expect(await refused(k().insertInto("customers").values({ id, name: "Twice" }).execute())).toBe("23505");
    const key = unique("KEY");
    await ctx.store.licenses.issue({ key });
    expect(await refused(k().insertInto("licenses").values({ id: randomUUID(), key }).execute())).toBe("23505");
  });

  it("refuses references to nothing", async () => {
    expect(
      await refused(
        k()
          .insertInto("customer_accounts")
          .values({ customer_id: unique("ghost"), source: "s", external_id: unique("e") })
          .execute(),
      ),
    ).toBe("23503");
    expect(
      await refused(
        k()
          .insertInto("api_key_grants")
          .values({ key_id: keyId(), customer_id: unique("ghost") })
          .execute(),
      ),
    ).toBe("23503");
    expect(
      await refused(
        k()
          .insertInto("trusted_documents")
          .values({ key_id: keyId(), hash: hash(), body: "{ a }", operation_type: "query", operation_name: null })
          .execute(),
      ),
    ).toBe("23503");
  });

  it("cascades a customer's deletion to its accounts and grants, unassigns its controllers, and refuses while it has licenses", async () => {
    const customer = await ctx.store.customers.upsert({ name: "Leaving", accounts: [{ source: "sofar", externalId: unique("acc") }] });
    const node = unique("node");
    await ctx.store.controllers.upsert({ nodeId: node, customerId: customer.id });
    const id = keyId();
    await ctx.store.apiKeys.insert({ id, name: "partner", role: "partner", customerId: null, keyHash: "h", grants: [customer.id] });
    const license = await ctx.store.licenses.issue({ customerId: customer.id });

    const remove = () => k().deleteFrom("customers").where("id", "=", customer.id).execute();
    expect(await refused(remove())).toBe("23503");
    await k().deleteFrom("licenses").where("id", "=", license.id).execute();
    await remove();
    expect(await ctx.store.customers.accountsOf([customer.id])).toEqual([]);
    expect((await ctx.store.apiKeys.get(id))!.grants).toEqual([]);
    expect((await ctx.store.controllers.getMany([node]))[0]).toMatchObject({ nodeId: node, customerId: null });
  });

  it("cascades an API key's deletion to its grants and documents", async () => {
    const customer = await ctx.store.customers.upsert({ name: "Granted", accounts: [] });
    const id = keyId();
    await ctx.store.apiKeys.insert({ id, name: "partner", role: "partner", customerId: null, keyHash: "h", grants: [customer.id] });
    await ctx.store.trustedDocuments.publish(id, [{ hash: hash(), body: "{ a }", operationType: "query", operationName: null }], false);
    await k().deleteFrom("api_keys").where("id", "=", id).execute();
    expect(await k().selectFrom("api_key_grants").select("key_id").where("key_id", "=", id).execute()).toEqual([]);
    expect(await ctx.store.trustedDocuments.list(id)).toEqual([]);
  });

  it("keeps one exclusive claim per license, and any number of claims that are not exclusive", async () => {
    const ext = unique("lic");
    const claim = (nodeId: string, exclusive: boolean) =>
      k()
        .insertInto("claims")
        .values({ id: randomUUID(), source: "x", license_external_id: ext, license_key: "K", node_id: nodeId, exclusive })
        .execute();
    await claim(unique("a"), true);
    expect(await refused(claim(unique("b"), true))).toBe("23505");
    const shared = unique("c");
    await claim(shared, false);
    await claim(unique("d"), false);
    expect(await refused(claim(shared, false))).toBe("23505");
  });

  it("checks the license index's and event log's values, and the deliveries' references, states and repeats (migration 006)", async () => {
    const indexed = (values: { status?: string; node_ids?: string }) =>
      k()
        .insertInto("license_index")
        .values({
          source: "x",
          external_id: unique("l"),
          account: "a",
          customer_id: null,
          status: (values.status ?? "ACTIVE") as "ACTIVE",
          type: null,
          node_ids: values.node_ids ?? "[]",
          indexed_at: now(),
        })
        .execute();
    await indexed({});
    expect(await refused(indexed({ status: "GONE" }))).toBe("23514");
    expect(await refused(indexed({ node_ids: '{"a":1}' }))).toBe("23514");
    const event = (values: { type?: string; origin?: string; previous_status?: string | null }) =>
      k()
        .insertInto("license_events")
        .values({
          at: now(),
          origin: (values.origin ?? "SYNC") as "SYNC",
          type: (values.type ?? "APPEARED") as "APPEARED",
          source: "x",
          external_id: "l",
          customer_id: null,
          status: "ACTIVE",
          previous_status: (values.previous_status ?? null) as null,
          node_id: null,
          threshold_days: null,
        })
        .returning("cursor")
        .executeTakeFirstOrThrow();
    const { cursor } = await event({});
    expect(await refused(event({ type: "VANISHED" }))).toBe("23514");
    expect(await refused(event({ origin: "RUMOUR" }))).toBe("23514");
    expect(await refused(event({ previous_status: "GONE" }))).toBe("23514");

    const id = keyId();
    await k().insertInto("api_keys").values({ id, name: "n", role: "admin", customer_id: null, key_hash: "h" }).execute();
    const hook = (key: string) =>
      k()
        .insertInto("webhooks")
        .values({ id: unique("wh"), key_id: key, url: "https://x.example", secret: "s", types: null })
        .execute();
    expect(await refused(hook("no-such-key"))).toBe("23503");
    const webhookId = unique("wh");
    await k()
      .insertInto("webhooks")
      .values({ id: webhookId, key_id: id, url: "https://x.example", secret: "s", types: '["CLAIMED"]' })
      .execute();
    expect(
      await refused(
        k()
          .insertInto("webhooks")
          .values({ id: unique("wh"), key_id: id, url: "u", secret: "s", types: '"CLAIMED"' })
          .execute(),
      ),
    ).toBe("23514");
    const delivery = (values: { webhook_id?: string; cursor?: number; state?: string; next_attempt_at?: Date | null }) =>
      k()
        .insertInto("webhook_deliveries")
        .values({
          id: randomUUID(),
          webhook_id: values.webhook_id ?? webhookId,
          cursor: values.cursor ?? cursor,
          state: (values.state ?? "pending") as "pending",
          next_attempt_at: values.next_attempt_at === undefined ? new Date() : values.next_attempt_at,
        })
        .execute();
    expect(await refused(delivery({ webhook_id: "no-such-webhook" }))).toBe("23503");
    expect(await refused(delivery({ cursor: cursor + 1_000_000 }))).toBe("23503");
    expect(await refused(delivery({ state: "lost" }))).toBe("23514");
    // Pending exactly when a next attempt is set.
    expect(await refused(delivery({ next_attempt_at: null }))).toBe("23514");
    expect(await refused(delivery({ state: "dead" }))).toBe("23514");
    await delivery({});
    expect(await refused(delivery({}))).toBe("23505");
    // Both go with the key.
    await k().deleteFrom("api_keys").where("id", "=", id).execute();
    expect(await k().selectFrom("webhook_deliveries").select("id").where("webhook_id", "=", webhookId).execute()).toEqual([]);
  });
});
