import { datalinkId, LOCAL_SOURCE_ID, type Datalink, type License } from "../../domain/model.js";
import { addMonths, deriveStatus } from "../../domain/status.js";
import type { ClaimRow } from "../../store/claims.js";
import type { LicenseRow } from "../../store/licenses.js";

export function claimToDatalink(claim: ClaimRow): Datalink {
  return {
    id: datalinkId(
      claim.source,
      claim.vendorDatalinkId ?? (claim.source === LOCAL_SOURCE_ID ? claim.id : null),
      claim.licenseExternalId,
      claim.nodeId,
    ),
    source: claim.source,
    licenseExternalId: claim.licenseExternalId,
    vendorId: claim.vendorDatalinkId,
    nodeId: claim.nodeId,
    createdAt: claim.createdAt,
  };
}

export function localLicense(row: LicenseRow, claims: readonly ClaimRow[], now: Date): License {
  const expiresAt = addMonths(row.activatedAt, row.durationMonths);
  return {
    source: LOCAL_SOURCE_ID,
    externalId: row.id,
    key: row.key,
    type: row.type,
    status: deriveStatus({ activatedAt: row.activatedAt, expiresAt, deactivatedAt: row.deactivatedAt, blocked: row.blocked }, now),
    gridKw: row.gridKw,
    solarKw: row.solarKw,
    batteryKw: row.batteryKw,
    evKw: row.evKw,
    createdAt: row.createdAt,
    activatedAt: row.activatedAt,
    expiresAt,
    deactivatedAt: row.deactivatedAt,
    durationMonths: row.durationMonths,
    features: null,
    // The claims table allows one claim per license, like Eniris.
    maxControllers: 1,
    account: row.customerId === null ? null : { source: LOCAL_SOURCE_ID, externalId: row.customerId },
    customerId: row.customerId,
    datalinks: claims.filter((c) => c.licenseExternalId === row.id).map(claimToDatalink),
  };
}
