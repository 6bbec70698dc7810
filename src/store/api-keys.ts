import { GatewayError } from "../errors/gateway-error.js";
import { sqlState, type Db } from "./db.js";

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

// Grants come back as one sorted array per key, so a key is always one row.
const KEY = `k.id, k.name, k.role, k.customer_id as "customerId", k.key_hash as "keyHash", k.created_at as "createdAt",
  k.revoked_at as "revokedAt", k.last_used_at as "lastUsedAt", k.documents_locked as "documentsLocked",
  exists (select 1 from trusted_documents t where t.key_id = k.id) as "hasDocuments",
  coalesce((select array_agg(g.customer_id order by g.customer_id) from api_key_grants g where g.key_id = k.id), '{}') as grants`;

/** How stale `last_used_at` may get: one write a minute per key at most, not one per request. */
const TOUCH_EVERY = "1 minute";

export type ApiKeyQueries = ReturnType<typeof apiKeyQueries>;

export function apiKeyQueries(db: Db) {
  const get = async (id: string): Promise<ApiKeyRow | null> => (await db.query<ApiKeyRow>(`select ${KEY} from api_keys k where k.id = $1`, [id]))[0] ?? null;

  return {
    get,

    /** Every key, revoked ones included (an operator wants to see what was revoked), oldest first. */
    list: () => db.query<ApiKeyRow>(`select ${KEY} from api_keys k order by k.created_at, k.id`),

    /** Inserts the key and its grants in one transaction. An unknown customer is NOT_FOUND, naming the field. */
    async insert(input: InsertApiKeyInput): Promise<ApiKeyRow> {
      try {
        return await db.transaction(async (tx) => {
          await tx.query(`insert into api_keys (id, name, role, customer_id, key_hash) values ($1, $2, $3, $4, $5)`, [
            input.id,
            input.name,
            input.role,
            input.customerId,
            input.keyHash,
          ]);
          if (input.grants.length > 0) {
            await tx.query(`insert into api_key_grants (key_id, customer_id) select $1, unnest($2::text[]) on conflict do nothing`, [input.id, [...input.grants]]);
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
      await db.query(`update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1`, [id]);
      return get(id);
    },

    /** Grants a customer to a key; granting twice is a no-op. An unknown customer is NOT_FOUND. */
    async grant(keyId: string, customerId: string): Promise<void> {
      try {
        await db.query(`insert into api_key_grants (key_id, customer_id) values ($1, $2) on conflict do nothing`, [keyId, customerId]);
      } catch (error) {
        if (sqlState(error) === "23503") {
          throw new GatewayError("NOT_FOUND", `no customer with id ${customerId}`, { field: ["input", "customerId"], cause: error });
        }
        throw error;
      }
    },

    /** Removes a grant; true when there was one. */
    async revokeGrant(keyId: string, customerId: string): Promise<boolean> {
      const removed = await db.query(`delete from api_key_grants where key_id = $1 and customer_id = $2 returning key_id`, [keyId, customerId]);
      return removed.length > 0;
    },

    /** Locks the key to its trusted documents, or unlocks it; null when there is no such key. */
    async setDocumentsLocked(id: string, locked: boolean): Promise<ApiKeyRow | null> {
      await db.query(`update api_keys set documents_locked = $2 where id = $1`, [id, locked]);
      return get(id);
    },

    /** Records that the key was used, at most once a minute per key. */
    async touch(id: string): Promise<void> {
      await db.query(`update api_keys set last_used_at = now() where id = $1 and (last_used_at is null or last_used_at < now() - interval '${TOUCH_EVERY}')`, [id]);
    },
  };
}
