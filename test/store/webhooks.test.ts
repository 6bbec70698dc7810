import { describe, expect, it } from "vitest";
import type { NewLicenseEvent } from "../../src/domain/license-events.js";
import type { DeliveryRow } from "../../src/store/webhooks.js";
import { engines, unique, useEngine } from "./engines.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

const event = (source: string, at = T0): NewLicenseEvent => ({
  type: "APPEARED",
  at,
  origin: "SYNC",
  source,
  externalId: "L-1",
  customerId: null,
  status: "ACTIVE",
  previousStatus: null,
  nodeId: null,
  expiresAt: null,
  thresholdDays: null,
});

describe.each(engines)("webhooks on $name", (engine) => {
  const ctx = useEngine(engine);

  async function key(): Promise<string> {
    const id = unique("key");
    await ctx.store.apiKeys.insert({ id, name: "partner", role: "partner", customerId: null, keyHash: unique("hash"), grants: [] });
    return id;
  }

  async function webhook(keyId: string) {
    return ctx.store.webhooks.create({ id: unique("wh"), keyId, url: "https://receiver.example/hook", secret: "s3cret", types: null });
  }

  /** `n` events' cursors. */
  async function cursors(n: number, at = T0): Promise<number[]> {
    const source = unique("src");
    return (await ctx.store.licenseEvents.append(Array.from({ length: n }, () => event(source, at)))).map((e) => e.cursor);
  }

  it("creates, reads, lists and disables webhooks", async () => {
    const keyId = await key();
    const created = await ctx.store.webhooks.create({
      id: unique("wh"),
      keyId,
      url: "https://receiver.example/a",
      secret: "whsec_1",
      types: ["CLAIMED", "RELEASED"],
    });
    expect(created).toMatchObject({
      keyId,
      url: "https://receiver.example/a",
      secret: "whsec_1",
      types: ["CLAIMED", "RELEASED"],
      disabledAt: null,
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    const all = await webhook(keyId);
    expect(all.types).toBeNull();
    expect(await ctx.store.webhooks.get(created.id)).toEqual(created);
    expect(await ctx.store.webhooks.get("no-such")).toBeNull();
    expect((await ctx.store.webhooks.list(keyId)).map((w) => w.id)).toEqual([created.id, all.id]);

    const disabled = await ctx.store.webhooks.disable(created.id);
    expect(disabled?.disabledAt).toBeInstanceOf(Date);
    // Disabling again keeps the first time.
    expect(await ctx.store.webhooks.disable(created.id)).toEqual(disabled);
    expect(await ctx.store.webhooks.disable("no-such")).toBeNull();
    expect((await ctx.store.webhooks.list(keyId)).map((w) => w.id)).toEqual([all.id]);
    expect((await ctx.store.webhooks.list(keyId, { includeDisabled: true })).map((w) => w.id)).toEqual([created.id, all.id]);
    expect((await ctx.store.webhooks.list()).map((w) => w.id)).toContain(all.id);
    // A webhook needs its key, and goes with it.
    await expect(
      ctx.store.webhooks.create({ id: unique("wh"), keyId: "no-such-key", url: "https://x.example", secret: "s", types: null }),
    ).rejects.toThrow();
    await ctx.db.query("delete from api_keys where id = $1", [keyId]);
    expect(await ctx.store.webhooks.list(keyId, { includeDisabled: true })).toEqual([]);
  });

  it("enqueues a delivery once per webhook and event, ignoring repeats", async () => {
    const keyId = await key();
    const [a, b] = [await webhook(keyId), await webhook(keyId)];
    const [c1, c2] = await cursors(2);
    expect(
      await ctx.store.webhooks.enqueue(
        [
          { webhookId: a.id, cursor: c1! },
          { webhookId: a.id, cursor: c2! },
          { webhookId: b.id, cursor: c1! },
        ],
        T0,
      ),
    ).toBe(3);
    expect(
      await ctx.store.webhooks.enqueue(
        [
          { webhookId: a.id, cursor: c1! },
          { webhookId: b.id, cursor: c2! },
        ],
        later(1000),
      ),
    ).toBe(1);
    expect(await ctx.store.webhooks.enqueue([], T0)).toBe(0);
    const due = await ctx.store.webhooks.due(later(1000), 10, a.id);
    expect(due.map((d) => d.cursor)).toEqual([c1, c2]);
    // The repeat left the first one as it was.
    expect(due[0]).toMatchObject({ state: "pending", attempts: 0, nextAttemptAt: T0, lastStatus: null, deliveredAt: null });
  });

  it("says what is due, oldest first, and records deliveries, retries and dead ones", async () => {
    const keyId = await key();
    const [a, b] = [await webhook(keyId), await webhook(keyId)];
    const [c1, c2, c3] = await cursors(3);
    await ctx.store.webhooks.enqueue([{ webhookId: a.id, cursor: c1! }], later(2000));
    await ctx.store.webhooks.enqueue(
      [
        { webhookId: a.id, cursor: c2! },
        { webhookId: b.id, cursor: c3! },
      ],
      T0,
    );
    const mine = (rows: DeliveryRow[]) => rows.filter((d) => d.webhookId === a.id || d.webhookId === b.id);
    expect(mine(await ctx.store.webhooks.due(later(1000), 100)).map((d) => [d.webhookId, d.cursor])).toEqual([
      [a.id, c2],
      [b.id, c3],
    ]);
    expect(mine(await ctx.store.webhooks.due(later(2000), 100)).map((d) => d.cursor)).toEqual([c2, c3, c1]);
    expect((await ctx.store.webhooks.due(later(2000), 1, a.id)).map((d) => d.cursor)).toEqual([c2]);
    expect(await ctx.store.webhooks.due(later(2000), 0)).toEqual([]);

    // a's c2 fails once (retry later), then is delivered.
    const [first] = await ctx.store.webhooks.due(later(1000), 1, a.id);
    await ctx.store.webhooks.markFailed(first!.id, {
      at: later(1000),
      status: 503,
      code: "WEBHOOK_HTTP_ERROR",
      nextAttemptAt: later(5000),
    });
    expect((await ctx.store.webhooks.due(later(4999), 10, a.id)).map((d) => d.cursor)).toEqual([c1]);
    const [retry] = (await ctx.store.webhooks.due(later(5000), 10, a.id)).filter((d) => d.cursor === c2);
    expect(retry).toMatchObject({ attempts: 1, lastStatus: 503, lastErrorCode: "WEBHOOK_HTTP_ERROR", lastAttemptAt: later(1000) });
    await ctx.store.webhooks.markDelivered(retry!.id, { at: later(5000), status: 204 });
    expect((await ctx.store.webhooks.due(later(9000), 10, a.id)).map((d) => d.cursor)).toEqual([c1]);

    // b's c3 fails with no response and is given up: dead, never due again.
    const [other] = await ctx.store.webhooks.due(later(1000), 10, b.id);
    await ctx.store.webhooks.markFailed(other!.id, { at: later(1000), status: null, code: "WEBHOOK_TIMEOUT", nextAttemptAt: null });
    expect(await ctx.store.webhooks.due(later(99_000), 10, b.id)).toEqual([]);
    // A delivery no longer pending is not changed by a late mark.
    await ctx.store.webhooks.markDelivered(other!.id, { at: later(2000), status: 200 });
    await ctx.store.webhooks.markFailed(retry!.id, { at: later(6000), status: 500, code: "X", nextAttemptAt: later(7000) });

    const log = async (id: string) => (await ctx.store.webhooks.deliveries(id, 10)).rows;
    expect(await log(a.id)).toMatchObject([
      { cursor: c2, state: "delivered", attempts: 2, lastStatus: 204, lastErrorCode: null, deliveredAt: later(5000), nextAttemptAt: null },
      { cursor: c1, state: "pending", attempts: 0, nextAttemptAt: later(2000) },
    ]);
    expect(await log(b.id)).toMatchObject([
      {
        cursor: c3,
        state: "dead",
        attempts: 1,
        lastStatus: null,
        lastErrorCode: "WEBHOOK_TIMEOUT",
        nextAttemptAt: null,
        deliveredAt: null,
      },
    ]);

    // A disabled webhook's deliveries are not due.
    await ctx.store.webhooks.disable(a.id);
    expect(await ctx.store.webhooks.due(later(9000), 10, a.id)).toEqual([]);
    expect(mine(await ctx.store.webhooks.due(later(9000), 100))).toEqual([]);
  });

  it("pages the delivery log newest first, without gaps or repeats", async () => {
    const keyId = await key();
    const hook = await webhook(keyId);
    const all = await cursors(7);
    await ctx.store.webhooks.enqueue(
      all.map((cursor) => ({ webhookId: hook.id, cursor })),
      T0,
    );
    // Another webhook's deliveries are not in this one's log.
    await ctx.store.webhooks.enqueue([{ webhookId: (await webhook(keyId)).id, cursor: all[3]! }], T0);
    for (const size of [1, 2, 3, 7, 10]) {
      const seen: number[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await ctx.store.webhooks.deliveries(hook.id, size, after);
        seen.push(...page.rows.map((d) => d.cursor));
        if (!page.hasNextPage) break;
        expect(page.rows).toHaveLength(size);
        after = page.endCursor!;
      }
      expect(seen).toEqual([...all].reverse());
    }
    expect(await ctx.store.webhooks.deliveries(hook.id, 0)).toMatchObject({ rows: [], endCursor: null, hasNextPage: true });
    expect(await ctx.store.webhooks.deliveries("no-such", 5)).toEqual({ rows: [], endCursor: null, hasNextPage: false });
    await expect(ctx.store.webhooks.deliveries(hook.id, 5, "garbage")).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("lets deliveries go with their event when retention prunes it, and with their webhook", async () => {
    const keyId = await key();
    const hook = await webhook(keyId);
    const old = await cursors(2, new Date("2001-01-01T00:00:00.000Z"));
    const recent = await cursors(1);
    await ctx.store.webhooks.enqueue(
      [...old, ...recent].map((cursor) => ({ webhookId: hook.id, cursor })),
      T0,
    );
    expect(await ctx.store.licenseEvents.prune(new Date("2002-01-01T00:00:00.000Z"))).toBe(2);
    expect((await ctx.store.webhooks.deliveries(hook.id, 10)).rows.map((d) => d.cursor)).toEqual(recent);
    // A delivery of an event that does not exist is refused.
    await expect(ctx.store.webhooks.enqueue([{ webhookId: hook.id, cursor: old[0]! }], T0)).rejects.toThrow();
    await ctx.db.query("delete from webhooks where id = $1", [hook.id]);
    expect((await ctx.store.webhooks.deliveries(hook.id, 10)).rows).toEqual([]);
  });
});
