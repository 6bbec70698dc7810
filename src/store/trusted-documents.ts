import type { Db } from "./db.js";

export type OperationType = "query" | "mutation" | "subscription";

/** A published operation of one API key's client, under its SHA-256. */
export interface TrustedDocumentRow {
  hash: string;
  body: string;
  operationType: OperationType;
  operationName: string | null;
  createdAt: Date;
}

export type NewTrustedDocument = Omit<TrustedDocumentRow, "createdAt">;

export type TrustedDocumentQueries = ReturnType<typeof trustedDocumentQueries>;

export function trustedDocumentQueries(db: Db) {
  return {
    /** The key's document with this hash, or null: what each request by id (or from a locked key) costs, one primary-key read. */
    async body(keyId: string, hash: string): Promise<string | null> {
      const rows = await db.query<{ body: string }>(`select body from trusted_documents where key_id = $1 and hash = $2`, [keyId, hash]);
      return rows[0]?.body ?? null;
    },

    /** Whether the key has the document with this hash: what a request sending the text costs. */
    async has(keyId: string, hash: string): Promise<boolean> {
      return (await db.query(`select 1 from trusted_documents where key_id = $1 and hash = $2`, [keyId, hash])).length > 0;
    },

    /**
     * The key's documents, by operation name then hash. `createdAt` is the earliest publication among every key that
     * holds the document: its id is its hash, the same under every key, and a client's normalized cache (Relay,
     * Apollo) keeps one record per id, so one id must have one value wherever it appears.
     */
    list: (keyId: string) =>
      db.query<TrustedDocumentRow>(
        // One pass over the table for the earliest dates (no index leads from the hash), not one per document.
        `select t.hash, t.body, t.operation_type as "operationType", t.operation_name as "operationName", f.first as "createdAt"
          from trusted_documents t
          join (select hash, min(created_at) as first from trusted_documents
                 where hash in (select hash from trusted_documents where key_id = $1) group by hash) f on f.hash = t.hash
          where t.key_id = $1 order by t.operation_name nulls last, t.hash`,
        [keyId],
      ),

    /**
     * Adds documents to the key's list (one already there stays as it was: the same hash is the same text); with
     * `replace`, the list becomes exactly these. Returns how many were added and removed. Run it in a transaction.
     */
    async publish(keyId: string, documents: readonly NewTrustedDocument[], replace: boolean): Promise<{ added: number; removed: number }> {
      const hashes = documents.map((d) => d.hash);
      const removed = replace
        ? (await db.query(`delete from trusted_documents where key_id = $1 and not (hash = any($2::text[])) returning hash`, [keyId, hashes])).length
        : 0;
      const inserted = await db.query(
        `insert into trusted_documents (key_id, hash, body, operation_type, operation_name)
          select $1, d.hash, d.body, d.type, d.name
          from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as d(hash, body, type, name)
          on conflict do nothing returning hash`,
        [keyId, hashes, documents.map((d) => d.body), documents.map((d) => d.operationType), documents.map((d) => d.operationName)],
      );
      return { added: inserted.length, removed };
    },
  };
}
