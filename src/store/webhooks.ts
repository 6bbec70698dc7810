import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { LicenseEventType } from "../domain/license-events.js";
import type { DeliveryState, WebhookDeliveriesTable, WebhooksTable } from "./database.js";
import type { Db } from "./db.js";
import { fromJson, toDate, toDateOrNull, toJson } from "./dialect.js";
import { checkPageSize, decodePageCursor, encodePageCursor } from "./page-cursor.js";

/** A receiver of license events, registered by an API key. */
export interface WebhookRow {
  id: string;
  keyId: string;
  url: string;
  /** The signing secret: shown once, when the webhook is created; the delivery code reads it to sign. */
  secret: string;
  /** The event types it wants; null for all. */
  types: LicenseEventType[] | null;
  createdAt: Date;
  disabledAt: Date | null;
}

/** One event to deliver to one webhook, and how its delivery went. */
export interface DeliveryRow {
  id: string;
  webhookId: string;
  /** The event's cursor. */
  cursor: number;
  state: DeliveryState;
  attempts: number;
  /** When to try next; null once delivered or dead. */
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  /** The receiver's HTTP status at the last attempt, null when none came (timeout, refused connection). */
  lastStatus: number | null;
  lastErrorCode: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface NewWebhook {
  id: string;
  keyId: string;
  url: string;
  secret: string;
  types: LicenseEventType[] | null;
}

export interface DeliveryPage {
  rows: DeliveryRow[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export type WebhookQueries = ReturnType<typeof webhookQueries>;

/** Rows per insert: 4 parameters each, well under either engine's limit on one statement's parameters. */
const INSERT_CHUNK = 2_000;

const WEBHOOK = ["id", "key_id", "url", "secret", "types", "created_at", "disabled_at"] as const;
const DELIVERY = [
  "id",
  "webhook_id",
  "cursor",
  "state",
  "attempts",
  "next_attempt_at",
  "last_attempt_at",
  "last_status",
  "last_error_code",
  "created_at",
  "delivered_at",
] as const;

const toWebhook = (r: Selectable<WebhooksTable>): WebhookRow => ({
  id: r.id,
  keyId: r.key_id,
  url: r.url,
  secret: r.secret,
  types: fromJson(r.types) as LicenseEventType[] | null,
  createdAt: toDate(r.created_at),
  disabledAt: toDateOrNull(r.disabled_at),
});

const toDelivery = (r: Selectable<WebhookDeliveriesTable>): DeliveryRow => ({
  id: r.id,
  webhookId: r.webhook_id,
  cursor: Number(r.cursor),
  state: r.state,
  attempts: Number(r.attempts),
  nextAttemptAt: toDateOrNull(r.next_attempt_at),
  lastAttemptAt: toDateOrNull(r.last_attempt_at),
  lastStatus: r.last_status,
  lastErrorCode: r.last_error_code,
  createdAt: toDate(r.created_at),
  deliveredAt: toDateOrNull(r.delivered_at),
});

/** A delivery log cursor holds the event cursor of the page's last row (a webhook has one delivery per event). */
const toLogPosition = (decoded: unknown): number | null =>
  Array.isArray(decoded) && decoded.length === 1 && Number.isSafeInteger(decoded[0]) ? (decoded[0] as number) : null;

/**
 * Webhooks and their deliveries (issue 16). A delivery is enqueued once per webhook and event, tried until it is
 * delivered or declared dead; the delivery code (src/webhooks) decides when and how often, the store only keeps
 * what it decided. No cache tag names these tables.
 */
export function webhookQueries(db: Db) {
  const { kysely, dialect } = db;
  const webhooks = () => kysely.selectFrom("webhooks").select(WEBHOOK);

  return {
    async create(input: NewWebhook): Promise<WebhookRow> {
      const row = await kysely
        .insertInto("webhooks")
        .values({
          id: input.id,
          key_id: input.keyId,
          url: input.url,
          secret: input.secret,
          types: input.types === null ? null : toJson(input.types),
          created_at: dialect.now(),
        })
        .returning(WEBHOOK)
        .executeTakeFirstOrThrow();
      return toWebhook(row);
    },

    /** The webhook, disabled or not; null when there is none. */
    get: async (id: string): Promise<WebhookRow | null> => {
      const row = await webhooks().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toWebhook(row);
    },

    /** The webhooks (of `keyId` when given), oldest first; active ones only unless `includeDisabled`. */
    async list(keyId?: string, options: { includeDisabled?: boolean } = {}): Promise<WebhookRow[]> {
      let query = webhooks();
      if (keyId !== undefined) query = query.where("key_id", "=", keyId);
      if (!options.includeDisabled) query = query.where("disabled_at", "is", null);
      return (await query.orderBy("created_at").orderBy("id").execute()).map(toWebhook);
    },

    /** Disables the webhook (its pending deliveries are no longer due); one already disabled keeps its time. Null when there is none. */
    async disable(id: string): Promise<WebhookRow | null> {
      const row = await kysely
        .updateTable("webhooks")
        .set({ disabled_at: dialect.now() })
        .where("id", "=", id)
        .where("disabled_at", "is", null)
        .returning(WEBHOOK)
        .executeTakeFirst();
      if (row !== undefined) return toWebhook(row);
      const existing = await webhooks().where("id", "=", id).executeTakeFirst();
      return existing === undefined ? null : toWebhook(existing);
    },

    /** Queues deliveries, first attempt at `at`; one already queued (same webhook and event) is left as it is. Returns how many were added. */
    async enqueue(deliveries: Array<{ webhookId: string; cursor: number }>, at: Date): Promise<number> {
      let added = 0;
      for (let from = 0; from < deliveries.length; from += INSERT_CHUNK) {
        const inserted = await kysely
          .insertInto("webhook_deliveries")
          .values(
            deliveries.slice(from, from + INSERT_CHUNK).map((d) => ({
              id: randomUUID(),
              webhook_id: d.webhookId,
              cursor: d.cursor,
              next_attempt_at: at,
              created_at: dialect.now(),
            })),
          )
          .onConflict((oc) => oc.columns(["webhook_id", "cursor"]).doNothing())
          .returning("id")
          .execute();
        added += inserted.length;
      }
      return added;
    },

    /**
     * At most `limit` pending deliveries whose next attempt is due at `now`, of active webhooks (of `webhookId`
     * when given), the longest due first, then in event order.
     */
    async due(now: Date, limit: number, webhookId?: string): Promise<DeliveryRow[]> {
      let query = kysely
        .selectFrom("webhook_deliveries as d")
        .innerJoin("webhooks as w", "w.id", "d.webhook_id")
        .select(DELIVERY.map((c) => `d.${c}` as const))
        .where("d.state", "=", "pending")
        .where("d.next_attempt_at", "<=", now)
        .where("w.disabled_at", "is", null);
      if (webhookId !== undefined) query = query.where("d.webhook_id", "=", webhookId);
      return (await query.orderBy("d.next_attempt_at").orderBy("d.cursor").limit(checkPageSize(limit, "limit")).execute()).map(toDelivery);
    },

    /** A pending delivery the receiver accepted (a 2xx `status`). */
    async markDelivered(id: string, r: { at: Date; status: number }): Promise<void> {
      await kysely
        .updateTable("webhook_deliveries")
        .set((eb) => ({
          state: "delivered",
          attempts: eb("attempts", "+", 1),
          next_attempt_at: null,
          last_attempt_at: r.at,
          last_status: r.status,
          last_error_code: null,
          delivered_at: r.at,
        }))
        .where("id", "=", id)
        .where("state", "=", "pending")
        .execute();
    },

    /** A pending delivery's attempt failed: tried again at `nextAttemptAt`, or dead when it is null. */
    async markFailed(id: string, r: { at: Date; status: number | null; code: string; nextAttemptAt: Date | null }): Promise<void> {
      await kysely
        .updateTable("webhook_deliveries")
        .set((eb) => ({
          state: r.nextAttemptAt === null ? "dead" : "pending",
          attempts: eb("attempts", "+", 1),
          next_attempt_at: r.nextAttemptAt,
          last_attempt_at: r.at,
          last_status: r.status,
          last_error_code: r.code,
        }))
        .where("id", "=", id)
        .where("state", "=", "pending")
        .execute();
    },

    /**
     * The webhook's delivery log, newest event first, `first` at most (the caller caps it), strictly after the
     * opaque cursor `after`: keyset pages on (webhook_id, cursor), the unique index.
     */
    async deliveries(webhookId: string, first: number, after?: string): Promise<DeliveryPage> {
      const size = checkPageSize(first);
      let query = kysely.selectFrom("webhook_deliveries").select(DELIVERY).where("webhook_id", "=", webhookId);
      if (after !== undefined) query = query.where("cursor", "<", decodePageCursor(after, toLogPosition));
      const rows = (
        await query
          .orderBy("cursor", "desc")
          .limit(size + 1)
          .execute()
      ).map(toDelivery);
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return { rows: page, endCursor: last === undefined ? null : encodePageCursor([last.cursor]), hasNextPage: rows.length > size };
    },
  };
}
