import type { Db } from "./db.js";
import { toDate } from "./dialect.js";
import { prepared } from "./prepared.js";

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

/** Rows per insert statement: 6 parameters each, well under either engine's limit on one statement's parameters. */
const INSERT_CHUNK = 1_000;

// The reads a request of a key with documents makes: compiled once (prepared.ts).
const document = (db: Db, keyId: string, hash: string) =>
  db.kysely.selectFrom("trusted_documents").where("key_id", "=", keyId).where("hash", "=", hash);
const bodyOf = prepared((db: Db, keyId: string, hash: string) => document(db, keyId, hash).select("body"));
const hashOf = prepared((db: Db, keyId: string, hash: string) => document(db, keyId, hash).select("hash"));

export function trustedDocumentQueries(db: Db) {
  const { kysely, dialect } = db;
  return {
    /** The key's document with this hash, or null: what each request by id (or from a locked key) costs, one primary-key read. */
    async body(keyId: string, hash: string): Promise<string | null> {
      return (await bodyOf(db, keyId, hash))[0]?.body ?? null;
    },

    /** Whether the key has the document with this hash: what a request sending the text costs. */
    async has(keyId: string, hash: string): Promise<boolean> {
      return (await hashOf(db, keyId, hash)).length > 0;
    },

    /**
     * The key's documents, by operation name then hash. `createdAt` is the earliest publication among every key that
     * holds the document: its id is its hash, the same under every key, and a client's normalized cache (Relay,
     * Apollo) keeps one record per id, so one id must have one value wherever it appears.
     */
    list: async (keyId: string): Promise<TrustedDocumentRow[]> => {
      // One pass over the table for the earliest dates (no index leads from the hash), not one per document.
      const rows = await kysely
        .selectFrom("trusted_documents as t")
        .innerJoin(
          (eb) =>
            eb
              .selectFrom("trusted_documents")
              .select((inner) => ["hash", inner.fn.min("created_at").as("first")])
              .where("hash", "in", (inner) => inner.selectFrom("trusted_documents").select("hash").where("key_id", "=", keyId))
              .groupBy("hash")
              .as("f"),
          (join) => join.onRef("f.hash", "=", "t.hash"),
        )
        .select(["t.hash", "t.body", "t.operation_type", "t.operation_name", "f.first"])
        .where("t.key_id", "=", keyId)
        .orderBy("t.operation_name", (ob) => ob.asc().nullsLast())
        .orderBy("t.hash")
        .execute();
      return rows.map((r) => ({
        hash: r.hash,
        body: r.body,
        operationType: r.operation_type,
        operationName: r.operation_name,
        createdAt: toDate(r.first),
      }));
    },

    /**
     * Adds documents to the key's list (one already there stays as it was: the same hash is the same text); with
     * `replace`, the list becomes exactly these. Returns how many were added and removed. Run it in a transaction.
     */
    async publish(keyId: string, documents: readonly NewTrustedDocument[], replace: boolean): Promise<{ added: number; removed: number }> {
      const hashes = documents.map((d) => d.hash);
      const removed = replace
        ? (
            await kysely
              .deleteFrom("trusted_documents")
              .where("key_id", "=", keyId)
              .where((eb) => eb.not(dialect.anyOf("hash", hashes)))
              .returning("hash")
              .execute()
          ).length
        : 0;
      let added = 0;
      const now = dialect.now();
      for (let at = 0; at < documents.length; at += INSERT_CHUNK) {
        const chunk = documents.slice(at, at + INSERT_CHUNK);
        const inserted = await kysely
          .insertInto("trusted_documents")
          .values(
            chunk.map((d) => ({
              key_id: keyId,
              hash: d.hash,
              body: d.body,
              operation_type: d.operationType,
              operation_name: d.operationName,
              created_at: now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning("hash")
          .execute();
        added += inserted.length;
      }
      return { added, removed };
    },
  };
}
