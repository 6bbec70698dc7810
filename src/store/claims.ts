import { randomUUID } from "node:crypto";
import { GatewayError } from "../errors/gateway-error.js";
import { licenseTags, tag } from "../cache/tags.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import { sqlState, type Db } from "./db.js";

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

const CLAIM = `id, source, license_external_id as "licenseExternalId", license_key as "licenseKey", node_id as "nodeId",
  vendor_datalink_id as "vendorDatalinkId", license_account as "licenseAccount", created_at as "createdAt"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  return {
    /** The unique (source, license_external_id) decides races: the second claim of a license fails here. */
    async record(input: RecordClaimInput): Promise<ClaimRow> {
      try {
        const [row] = await db.query<ClaimRow>(
          `insert into claims (id, source, license_external_id, license_key, node_id, vendor_datalink_id, license_account, exclusive)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${CLAIM}`,
          [randomUUID(), input.source, input.licenseExternalId, input.licenseKey, input.nodeId, input.vendorDatalinkId ?? null, input.licenseAccount ?? null, input.exclusive ?? true],
        );
        changed(claimTags(row!));
        return row!;
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
      const exclusive = input.exclusive ?? true;
      // Exclusive: the license's one claim moves to this node. Otherwise: this (license, node) pair is refreshed.
      const target = exclusive ? "(source, license_external_id) where exclusive" : "(source, license_external_id, node_id)";
      const [row] = await db.query<ClaimRow>(
        `insert into claims (id, source, license_external_id, license_key, node_id, vendor_datalink_id, license_account, exclusive)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict ${target} do update
           set node_id = excluded.node_id, license_key = excluded.license_key,
               vendor_datalink_id = excluded.vendor_datalink_id, license_account = excluded.license_account, created_at = now()
         returning ${CLAIM}`,
        [randomUUID(), input.source, input.licenseExternalId, input.licenseKey, input.nodeId, input.vendorDatalinkId ?? null, input.licenseAccount ?? null, exclusive],
      );
      // A claim moved from another node is covered by the license's tags, which every read of that node's claims carries.
      changed(claimTags(row!));
      return row!;
    },

    /** Removes the claim of a license for one controller; the removed row, or null when there was none. */
    async remove(source: string, licenseExternalId: string, nodeId: string): Promise<ClaimRow | null> {
      const [row] = await db.query<ClaimRow>(
        `delete from claims where source = $1 and license_external_id = $2 and node_id = $3 returning ${CLAIM}`,
        [source, licenseExternalId, nodeId],
      );
      if (row) changed(claimTags(row));
      return row ?? null;
    },

    ofLicenses: (source: string, externalIds: string[]) =>
      db.query<ClaimRow>(`select ${CLAIM} from claims where source = $1 and license_external_id = any($2::text[])`, [source, externalIds]),

    /** The claims of licenses at several sources, in one query. */
    ofLicensesAt: (licenses: ReadonlyArray<{ source: string; externalId: string }>) =>
      db.query<ClaimRow>(
        `select ${CLAIM} from claims c
         where (c.source, c.license_external_id) in (select * from unnest($1::text[], $2::text[]))`,
        [licenses.map((l) => l.source), licenses.map((l) => l.externalId)],
      ),

    /** Every claim held at one source (e.g. to list the controllers it knows). */
    ofSource: (source: string) => db.query<ClaimRow>(`select ${CLAIM} from claims where source = $1 order by created_at, id`, [source]),

    ofNodes: (nodeIds: string[]) =>
      db.query<ClaimRow>(`select ${CLAIM} from claims where node_id = any($1::text[]) order by created_at, id`, [nodeIds]),

    byVendorDatalinks: (source: string, vendorDatalinkIds: string[]) =>
      db.query<ClaimRow>(`select ${CLAIM} from claims where source = $1 and vendor_datalink_id = any($2::text[])`, [source, vendorDatalinkIds]),

    /** Records the vendor's datalink id once it is known. Null when no claim has this id. */
    async setVendorDatalinkId(claimId: string, vendorDatalinkId: string | null): Promise<ClaimRow | null> {
      if (!UUID.test(claimId)) return null;
      const [row] = await db.query<ClaimRow>(`update claims set vendor_datalink_id = $2 where id = $1 returning ${CLAIM}`, [claimId, vendorDatalinkId]);
      if (row) changed(claimTags(row));
      return row ?? null;
    },
  };
}
