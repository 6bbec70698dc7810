import { datalinkId, type License } from "../../domain/model.js";
import { addMonths, deriveStatus } from "../../domain/status.js";
import type { EnirisLicense } from "./vendor-types.js";

function date(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

/** Eniris license → the one License model. `duration` is read as months (inferred: the unit is not documented). */
export function toLicense(source: string, raw: EnirisLicense, accountId: string | null, now: Date): License {
  const activatedAt = date(raw.activationDate);
  const deactivatedAt = date(raw.deactivationDate);
  const durationMonths = raw.duration ?? null;
  const expiresAt = addMonths(activatedAt, durationMonths);
  return {
    source,
    externalId: raw.id,
    key: raw.key,
    type: raw.type ?? null,
    status: deriveStatus({ activatedAt, expiresAt, deactivatedAt }, now),
    gridKw: raw.gridKw ?? null,
    solarKw: raw.solarKw ?? null,
    batteryKw: raw.batteryKw ?? null,
    evKw: raw.evKw ?? null,
    createdAt: date(raw.creationDate),
    activatedAt,
    expiresAt,
    deactivatedAt,
    durationMonths,
    features: null,
    // Documented: claiming an already-claimed license is refused, so one controller per license.
    maxControllers: 1,
    account: accountId === null ? null : { source, externalId: accountId },
    customerId: null,
    datalinks:
      raw.datalinks === undefined
        ? null
        : raw.datalinks.map((vendorId) => ({
            id: datalinkId(source, vendorId, raw.id, null),
            source,
            licenseExternalId: raw.id,
            vendorId,
            nodeId: null,
            createdAt: null,
          })),
  };
}
