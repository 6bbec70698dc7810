import type { Selectable } from "kysely";
import type { IndexedLicense, LicenseEvent, NewLicenseEvent } from "../domain/license-events.js";
import type { LicenseStatus } from "../domain/model.js";
import type { LicenseIndexTable } from "./database.js";
import type { Db } from "./db.js";
import { fromJson, toDate, toDateOrNull, toJson } from "./dialect.js";
import { appendEvents } from "./license-events.js";
import { checkPageSize, decodePageCursor, encodePageCursor } from "./page-cursor.js";

/** A license as the index holds it, with when the sync last wrote it. */
export type IndexedLicenseRow = IndexedLicense & { indexedAt: Date };

/** Which licenses `page` reads; an absent field matches all, an empty list none. */
export interface LicenseIndexFilter {
  /** What the caller may see (a partner's granted customers, a customer key's own); undefined = all. */
  customerIds?: readonly string[] | undefined;
  status?: readonly LicenseStatus[] | undefined;
  sources?: readonly string[] | undefined;
  /** Only licenses that expire before this time (so never one without an expiry date). */
  expiresBefore?: Date | undefined;
  /** true: only licenses linked to no controller; false: only linked ones. */
  unclaimed?: boolean | undefined;
}

export interface LicenseIndexPage {
  rows: IndexedLicenseRow[];
  /** The cursor of the page's last row (null for an empty page): `after` for the next page. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export type LicenseIndexQueries = ReturnType<typeof licenseIndexQueries>;

/** The cursor `page` goes on after, for one of its rows: every edge of a connection has its own. */
export function indexCursorOf(row: IndexedLicense): string {
  return encodePageCursor([row.expiresAt?.toISOString() ?? null, row.source, row.externalId]);
}

/** Rows per insert: 10 parameters each, well under either engine's limit on one statement's parameters. */
const INSERT_CHUNK = 1_000;

const LICENSE = [
  "source",
  "external_id",
  "account",
  "customer_id",
  "status",
  "type",
  "activated_at",
  "expires_at",
  "node_ids",
  "indexed_at",
] as const;

const toRow = (r: Selectable<LicenseIndexTable>): IndexedLicenseRow => ({
  source: r.source,
  externalId: r.external_id,
  account: r.account,
  customerId: r.customer_id,
  status: r.status,
  type: r.type,
  activatedAt: toDateOrNull(r.activated_at),
  expiresAt: toDateOrNull(r.expires_at),
  nodeIds: fromJson(r.node_ids) as string[],
  indexedAt: toDate(r.indexed_at),
});

const toLicense = (r: Selectable<LicenseIndexTable>): IndexedLicense => {
  const { indexedAt: _, ...license } = toRow(r);
  return license;
};

/** Where a license stands in `page`'s order, (expires_at nulls last, source, external_id): what its cursor holds. */
type Position = readonly [expiresAt: string | null, source: string, externalId: string];

function toPosition(decoded: unknown): Position | null {
  if (!Array.isArray(decoded) || decoded.length !== 3) return null;
  const [expiresAt, source, externalId] = decoded as unknown[];
  if (typeof source !== "string" || typeof externalId !== "string") return null;
  if (expiresAt !== null && (typeof expiresAt !== "string" || Number.isNaN(Date.parse(expiresAt)))) return null;
  return [expiresAt, source, externalId];
}

/**
 * The license index (issue 16): the last good snapshot of every mapped account's licenses, what change detection
 * diffs against and what `licenses(filter:)` and `Customer.health` read. Written by the sync only, one account at
 * a time (replaceAccount). No cache tag names it: nothing cached is read from it.
 */
export function licenseIndexQueries(db: Db) {
  const { kysely, dialect } = db;
  const licenses = () => kysely.selectFrom("license_index").select(LICENSE);

  return {
    /** The last good snapshot of one account, by external id: one account's licenses, what the sync diffs against. */
    ofAccount: async (source: string, account: string): Promise<IndexedLicense[]> =>
      (await licenses().where("source", "=", source).where("account", "=", account).orderBy("external_id").execute()).map(toLicense),

    /**
     * `ofAccount` with when each row was read (one time for the whole account): what the sync diffs against, so an
     * EXPIRING threshold is measured from this account's own last read, not from the last run, which may have failed
     * for it.
     */
    snapshotOf: async (source: string, account: string): Promise<IndexedLicenseRow[]> =>
      (await licenses().where("source", "=", source).where("account", "=", account).orderBy("external_id").execute()).map(toRow),

    /** The accounts the index holds rows for at `source`, sorted: to notice an account no longer mapped. */
    accounts: async (source: string): Promise<string[]> =>
      (await kysely.selectFrom("license_index").select("account").distinct().where("source", "=", source).orderBy("account").execute()).map(
        (r) => r.account,
      ),

    /**
     * One transaction: the account's rows become `licenses` (each written with `indexedAt`) and `events` are
     * appended, so a crash or a failed write leaves both as they were. A license listed under another account of
     * the source before moves here (its row is keyed by source and external id). Returns the events with cursors.
     */
    async replaceAccount(
      source: string,
      account: string,
      licenses: IndexedLicense[],
      events: NewLicenseEvent[],
      indexedAt: Date,
    ): Promise<LicenseEvent[]> {
      const stray = licenses.find((l) => l.source !== source || l.account !== account);
      if (stray) {
        throw new Error(
          `replaceAccount(${source}, ${account}) got license ${stray.externalId} of ${stray.source} account ${stray.account}`,
        );
      }
      return db.transaction(async (tx) => {
        await tx.kysely.deleteFrom("license_index").where("source", "=", source).where("account", "=", account).execute();
        for (let at = 0; at < licenses.length; at += INSERT_CHUNK) {
          await tx.kysely
            .insertInto("license_index")
            .values(
              licenses.slice(at, at + INSERT_CHUNK).map((l) => ({
                source,
                external_id: l.externalId,
                account,
                customer_id: l.customerId,
                status: l.status,
                type: l.type,
                activated_at: l.activatedAt,
                expires_at: l.expiresAt,
                node_ids: toJson([...new Set(l.nodeIds)].sort()),
                indexed_at: indexedAt,
              })),
            )
            .onConflict((oc) =>
              oc.columns(["source", "external_id"]).doUpdateSet((eb) => ({
                account: eb.ref("excluded.account"),
                customer_id: eb.ref("excluded.customer_id"),
                status: eb.ref("excluded.status"),
                type: eb.ref("excluded.type"),
                activated_at: eb.ref("excluded.activated_at"),
                expires_at: eb.ref("excluded.expires_at"),
                node_ids: eb.ref("excluded.node_ids"),
                indexed_at: eb.ref("excluded.indexed_at"),
              })),
            )
            .execute();
        }
        return appendEvents(tx, events);
      });
    },

    /**
     * Licenses across customers, `first` at most (the caller caps it), ordered by (expires_at nulls last, source,
     * external_id), strictly after the opaque cursor `after`. Keyset pagination: each page is one indexed range
     * read, however deep, and a page goes on from its cursor without a gap or a repeat while rows change elsewhere.
     */
    async page(filter: LicenseIndexFilter, first: number, after?: string): Promise<LicenseIndexPage> {
      const size = checkPageSize(first);
      const position = after === undefined ? null : decodePageCursor(after, toPosition);
      let query = licenses();
      if (filter.customerIds !== undefined) query = query.where(dialect.anyOf("customer_id", filter.customerIds));
      if (filter.status !== undefined) query = query.where(dialect.anyOf("status", filter.status));
      if (filter.sources !== undefined) query = query.where(dialect.anyOf("source", filter.sources));
      if (filter.expiresBefore !== undefined) query = query.where("expires_at", "<", filter.expiresBefore);
      if (filter.unclaimed !== undefined) query = query.where("node_ids", filter.unclaimed ? "=" : "<>", toJson([]));
      if (position !== null) {
        const [expiresAt, source, externalId] = position;
        query = query.where(({ eb, or, and, refTuple, tuple }) =>
          expiresAt === null
            ? and([eb("expires_at", "is", null), eb(refTuple("source", "external_id"), ">", tuple(source, externalId))])
            : or([
                eb("expires_at", ">", new Date(expiresAt)),
                eb("expires_at", "is", null),
                and([eb("expires_at", "=", new Date(expiresAt)), eb(refTuple("source", "external_id"), ">", tuple(source, externalId))]),
              ]),
        );
      }
      const rows = (
        await query
          .orderBy("expires_at", (ob) => ob.asc().nullsLast())
          .orderBy("source")
          .orderBy("external_id")
          .limit(size + 1)
          .execute()
      ).map(toRow);
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        rows: page,
        endCursor: last === undefined ? null : indexCursorOf(last),
        hasNextPage: rows.length > size,
      };
    },

    /** One customer's licenses across sources, by source and external id (Customer.health). */
    ofCustomer: async (customerId: string): Promise<IndexedLicenseRow[]> =>
      (await licenses().where("customer_id", "=", customerId).orderBy("source").orderBy("external_id").execute()).map(toRow),
  };
}
