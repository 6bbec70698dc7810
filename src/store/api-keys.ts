import { GatewayError } from "../errors/gateway-error.js";
import { sqlState, type Db } from "./db.js";
import { fromJson, toDate, toDateOrNull } from "./dialect.js";
import { prepared } from "./prepared.js";

export type Role = "admin" | "partner" | "customer";

/** An API key as stored: never the secret, only its hash. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  /** The customer a `customer` key acts as; null for the other roles. */
  customerId: string | null;
  keyHash: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** Customers granted to a `partner` key, sorted; empty for the other roles. */
  grants: string[];
  /** Whether the key may run only its trusted documents (trusted-documents.ts). */
  documentsLocked: boolean;
  /** Whether any trusted document is published for the key. */
  hasDocuments: boolean;
}

export interface InsertApiKeyInput {
  id: string;
  name: string;
  role: Role;
  customerId: string | null;
  keyHash: string;
  grants: readonly string[];
}

/** How stale `last_used_at` may get: one write a minute per key at most, not one per request. */
const TOUCH_EVERY_MS = 60_000;

// Grants come back as one sorted JSON array per key, so a key is always one row.
const keysOn = (db: Db) =>
  db.kysely
    .selectFrom("api_keys as k")
    .select((eb) => [
      "k.id",
      "k.name",
      "k.role",
      "k.customer_id",
      "k.key_hash",
      "k.created_at",
      "k.revoked_at",
      "k.last_used_at",
      "k.documents_locked",
      eb.exists(eb.selectFrom("trusted_documents as t").select("t.key_id").whereRef("t.key_id", "=", "k.id")).as("has_documents"),
      eb
        .selectFrom("api_key_grants as g")
        .select(db.dialect.sortedJsonArray("g.customer_id").as("ids"))
        .whereRef("g.key_id", "=", "k.id")
        .as("grants"),
    ]);
type Stored = Awaited<ReturnType<ReturnType<typeof keysOn>["executeTakeFirstOrThrow"]>>;
const toKey = (r: Stored): ApiKeyRow => ({
  id: r.id,
  name: r.name,
  role: r.role,
  customerId: r.customer_id,
  keyHash: r.key_hash,
  createdAt: toDate(r.created_at),
  revokedAt: toDateOrNull(r.revoked_at),
  lastUsedAt: toDateOrNull(r.last_used_at),
  grants: (fromJson(r.grants) ?? []) as string[],
  documentsLocked: Boolean(r.documents_locked),
  hasDocuments: Boolean(r.has_documents),
});

// Every request with an API key reads its key: compiled once (prepared.ts).
const keyById = prepared((db: Db, id: string) => keysOn(db).where("k.id", "=", id));

export type ApiKeyQueries = ReturnType<typeof apiKeyQueries>;

export function apiKeyQueries(db: Db) {
  const { kysely, dialect } = db;
  const get = async (id: string): Promise<ApiKeyRow | null> => {
    const [row] = await keyById(db, id);
    return row === undefined ? null : toKey(row);
  };

  return {
    get,

    /** Every key, revoked ones included (an operator wants to see what was revoked), oldest first. */
    list: async () => (await keysOn(db).orderBy("k.created_at").orderBy("k.id").execute()).map(toKey),

    /** Inserts the key and its grants in one transaction. An unknown customer is NOT_FOUND, naming the field. */
    async insert(input: InsertApiKeyInput): Promise<ApiKeyRow> {
      try {
        return await db.transaction(async (tx) => {
          const now = tx.dialect.now();
          await tx.kysely
            .insertInto("api_keys")
            .values({
              id: input.id,
              name: input.name,
              role: input.role,
              customer_id: input.customerId,
              key_hash: input.keyHash,
              created_at: now,
            })
            .execute();
          if (input.grants.length > 0) {
            await tx.kysely
              .insertInto("api_key_grants")
              .values([...new Set(input.grants)].map((customerId) => ({ key_id: input.id, customer_id: customerId, created_at: now })))
              .onConflict((oc) => oc.doNothing())
              .execute();
          }
          return (await apiKeyQueries(tx).get(input.id))!;
        });
      } catch (error) {
        // The only foreign keys are the customer of a customer key and the granted customers.
        if (sqlState(error) === "23503") {
          const field = input.customerId !== null ? ["input", "customerId"] : ["input", "grants"];
          throw new GatewayError("NOT_FOUND", "no customer with that id", { field, cause: error });
        }
        throw error;
      }
    },

    /** Marks the key revoked (the first revocation's time stays); null when there is no such key. */
    async revoke(id: string): Promise<ApiKeyRow | null> {
      await kysely
        .updateTable("api_keys")
        .set((eb) => ({ revoked_at: eb.fn.coalesce("revoked_at", dialect.now()) }))
        .where("id", "=", id)
        .execute();
      return get(id);
    },

    /** Grants a customer to a key; granting twice is a no-op. An unknown customer is NOT_FOUND. */
    async grant(keyId: string, customerId: string): Promise<void> {
      try {
        await kysely
          .insertInto("api_key_grants")
          .values({ key_id: keyId, customer_id: customerId, created_at: dialect.now() })
          .onConflict((oc) => oc.doNothing())
          .execute();
      } catch (error) {
        if (sqlState(error) === "23503") {
          throw new GatewayError("NOT_FOUND", `no customer with id ${customerId}`, { field: ["input", "customerId"], cause: error });
        }
        throw error;
      }
    },

    /** Removes a grant; true when there was one. */
    async revokeGrant(keyId: string, customerId: string): Promise<boolean> {
      const removed = await kysely
        .deleteFrom("api_key_grants")
        .where("key_id", "=", keyId)
        .where("customer_id", "=", customerId)
        .returning("key_id")
        .execute();
      return removed.length > 0;
    },

    /** Locks the key to its trusted documents, or unlocks it; null when there is no such key. */
    async setDocumentsLocked(id: string, locked: boolean): Promise<ApiKeyRow | null> {
      await kysely.updateTable("api_keys").set({ documents_locked: locked }).where("id", "=", id).execute();
      return get(id);
    },

    /** Records that the key was used, at most once a minute per key. */
    async touch(id: string): Promise<void> {
      await kysely
        .updateTable("api_keys")
        .set({ last_used_at: dialect.now() })
        .where("id", "=", id)
        .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", dialect.ago(TOUCH_EVERY_MS))]))
        .execute();
    },
  };
}
