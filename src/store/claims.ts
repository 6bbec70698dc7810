import { randomUUID } from "node:crypto";
import { sql, type Selectable, type SqlBool } from "kysely";
import { GatewayError } from "../errors/gateway-error.js";
import { licenseTags, tag } from "../domain/data-tags.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import type { ClaimsTable } from "./database.js";
import { sqlState, type Db } from "./db.js";
import { toDate } from "./dialect.js";
import { prepared } from "./prepared.js";

/** A datalink (license ↔ controller) the gateway made or holds, at any source. */
export interface ClaimRow {
  id: string;
  source: string;
  licenseExternalId: string;
  licenseKey: string;
  nodeId: string;
  /** The vendor's own id for the datalink, once known; null for local claims and before the vendor answers. */
  vendorDatalinkId: string | null;
  /** The vendor account the license was found under, for sources whose claims the gateway keeps. */
  licenseAccount: string | null;
  createdAt: Date;
}

export interface RecordClaimInput {
  source: string;
  licenseExternalId: string;
  licenseKey: string;
  nodeId: string;
  vendorDatalinkId?: string | null;
  licenseAccount?: string | null;
  /** Whether the license can be claimed for one controller only (default true; Cryptolens keys are not). */
  exclusive?: boolean;
}

const CLAIM = [
  "id",
  "source",
  "license_external_id",
  "license_key",
  "node_id",
  "vendor_datalink_id",
  "license_account",
  "created_at",
] as const;

const toClaim = (r: Pick<Selectable<ClaimsTable>, (typeof CLAIM)[number]>): ClaimRow => ({
  id: r.id,
  source: r.source,
  licenseExternalId: r.license_external_id,
  licenseKey: r.license_key,
  nodeId: r.node_id,
  vendorDatalinkId: r.vendor_datalink_id,
  licenseAccount: r.license_account,
  createdAt: toDate(r.created_at),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Read by the loaders and the local source whenever an operation shows licenses' controllers or controllers'
// licenses: compiled once (prepared.ts).
const claimsOn = (db: Db) => db.kysely.selectFrom("claims").select(CLAIM);
const claimsOfLicenses = prepared((db: Db, source: string, externalIds: string[]) =>
  claimsOn(db).where("source", "=", source).where(db.dialect.anyOf("license_external_id", externalIds)),
);
const claimsOfLicensesAt = prepared((db: Db, licenses: Array<readonly [string, string]>) =>
  claimsOn(db).where(db.dialect.pairIn(["source", "license_external_id"], licenses)),
);
const claimsOfNodes = prepared((db: Db, nodeIds: string[]) =>
  claimsOn(db).where(db.dialect.anyOf("node_id", nodeIds)).orderBy("created_at").orderBy("id"),
);

export type ClaimQueries = ReturnType<typeof claimQueries>;

/** What a claim row's change affects: its license (wherever listed), the controller's view at its source, the lists of claims. */
function claimTags(row: Pick<ClaimRow, "source" | "licenseExternalId" | "licenseKey" | "nodeId">): string[] {
  return [
    ...licenseTags({ source: row.source, externalId: row.licenseExternalId, key: row.licenseKey }),
    tag.node(row.source, row.nodeId),
    tag.claimsOfNode(row.nodeId),
    tag.claimsAt(row.source),
  ];
}

export function claimQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  const { kysely, dialect } = db;
  const newRow = (input: RecordClaimInput) => ({
    id: randomUUID(),
    source: input.source,
    license_external_id: input.licenseExternalId,
    license_key: input.licenseKey,
    node_id: input.nodeId,
    vendor_datalink_id: input.vendorDatalinkId ?? null,
    license_account: input.licenseAccount ?? null,
    exclusive: input.exclusive ?? true,
    created_at: dialect.now(),
  });
  return {
    /** The unique index on (source, license_external_id) of exclusive claims decides races: the second claim of a license fails here. */
    async record(input: RecordClaimInput): Promise<ClaimRow> {
      try {
        const row = toClaim(await kysely.insertInto("claims").values(newRow(input)).returning(CLAIM).executeTakeFirstOrThrow());
        changed(claimTags(row));
        return row;
      } catch (error) {
        if (sqlState(error) === "23505") {
          throw new GatewayError("LICENSE_ALREADY_CLAIMED", `license ${input.licenseKey} is already linked to a controller`, {
            source: input.source,
            field: ["input", "key"],
            cause: error,
          });
        }
        throw error;
      }
    },

    /**
     * Records a claim the vendor has just accepted. The vendor is the authority for its own licenses, so a row
     * the gateway held for the same license (claimed before, released at the vendor since) is replaced.
     */
    async recordAccepted(input: RecordClaimInput): Promise<ClaimRow> {
      const values = newRow(input);
      const row = toClaim(
        await kysely
          .insertInto("claims")
          .values(values)
          .onConflict((oc) => {
            // Exclusive: the license's one claim moves to this node. Otherwise: this (license, node) pair is refreshed.
            // The target names the partial index by its predicate, written as the index has it (both engines match it so).
            const target = values.exclusive
              ? oc.columns(["source", "license_external_id"]).where(sql<SqlBool>`exclusive`)
              : oc.columns(["source", "license_external_id", "node_id"]);
            return target.doUpdateSet((eb) => ({
              node_id: eb.ref("excluded.node_id"),
              license_key: eb.ref("excluded.license_key"),
              vendor_datalink_id: eb.ref("excluded.vendor_datalink_id"),
              license_account: eb.ref("excluded.license_account"),
              created_at: values.created_at,
            }));
          })
          .returning(CLAIM)
          .executeTakeFirstOrThrow(),
      );
      // A claim moved from another node is covered by the license's tags, which every read of that node's claims carries.
      changed(claimTags(row));
      return row;
    },

    /** Removes the claim of a license for one controller; the removed row, or null when there was none. */
    async remove(source: string, licenseExternalId: string, nodeId: string): Promise<ClaimRow | null> {
      const removed = await kysely
        .deleteFrom("claims")
        .where("source", "=", source)
        .where("license_external_id", "=", licenseExternalId)
        .where("node_id", "=", nodeId)
        .returning(CLAIM)
        .executeTakeFirst();
      if (removed === undefined) return null;
      const row = toClaim(removed);
      changed(claimTags(row));
      return row;
    },

    ofLicenses: async (source: string, externalIds: string[]) => (await claimsOfLicenses(db, source, externalIds)).map(toClaim),

    /** The claims of licenses at several sources, in one query. */
    ofLicensesAt: async (licenses: ReadonlyArray<{ source: string; externalId: string }>) =>
      (
        await claimsOfLicensesAt(
          db,
          licenses.map((l) => [l.source, l.externalId] as const),
        )
      ).map(toClaim),

    /** Every claim held at one source (e.g. to list the controllers it knows). */
    ofSource: async (source: string) =>
      (await claimsOn(db).where("source", "=", source).orderBy("created_at").orderBy("id").execute()).map(toClaim),

    ofNodes: async (nodeIds: string[]) => (await claimsOfNodes(db, nodeIds)).map(toClaim),

    byVendorDatalinks: async (source: string, vendorDatalinkIds: string[]) =>
      (await claimsOn(db).where("source", "=", source).where(dialect.anyOf("vendor_datalink_id", vendorDatalinkIds)).execute()).map(
        toClaim,
      ),

    /** Records the vendor's datalink id once it is known. Null when no claim has this id. */
    async setVendorDatalinkId(claimId: string, vendorDatalinkId: string | null): Promise<ClaimRow | null> {
      if (!UUID.test(claimId)) return null;
      const updated = await kysely
        .updateTable("claims")
        .set({ vendor_datalink_id: vendorDatalinkId })
        .where("id", "=", claimId.toLowerCase())
        .returning(CLAIM)
        .executeTakeFirst();
      if (updated === undefined) return null;
      const row = toClaim(updated);
      changed(claimTags(row));
      return row;
    },
  };
}
