import type { LicenseEvent as StoredEvent, LicenseEventFilter as DomainFilter, LicenseEventType } from "../../domain/license-events.js";
import { licenseId } from "../../domain/model.js";
import { badInput } from "../../errors/gateway-error.js";
import { checkCustomerId, checkId } from "../../federation/validate.js";
import type { LicenseStatus } from "../license/license.type.js";
import type { LicenseEventFilter } from "./license-event.inputs.js";
import type { LicenseEvent, LicenseEventOrigin } from "./license-event.type.js";

/** A stored event as the schema shows it: its cursor as a string (id and cursor), its license by License.id. */
export function eventView(e: StoredEvent): LicenseEvent {
  const cursor = String(e.cursor);
  return {
    id: cursor,
    cursor,
    type: e.type,
    at: e.at,
    origin: e.origin as LicenseEventOrigin,
    licenseId: licenseId(e.source, e.externalId),
    customerId: e.customerId,
    source: e.source,
    status: e.status as LicenseStatus,
    previousStatus: e.previousStatus as LicenseStatus | null,
    nodeId: e.nodeId,
    expiresAt: e.expiresAt,
    thresholdDays: e.thresholdDays,
  };
}

/** The schema's filter as the domain's, its ids checked where they enter (validate.ts). */
export function domainFilter(filter: LicenseEventFilter | null | undefined, field: string[]): DomainFilter {
  return {
    ...(filter?.customerId != null ? { customerIds: [checkCustomerId(filter.customerId, [...field, "customerId"])] } : {}),
    ...(filter?.source != null ? { sources: [checkId(filter.source, [...field, "source"], "a source id")] } : {}),
    ...(filter?.types != null ? { types: filter.types as LicenseEventType[] } : {}),
  };
}

/** A cursor argument or Last-Event-ID: a decimal event cursor; anything else is BAD_USER_INPUT naming where it came from. */
export function parseEventCursor(value: string, field: string[]): number {
  const cursor = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(cursor))
    throw badInput(field, `an event cursor is a decimal number (an event's \`cursor\`), got ${JSON.stringify(value.slice(0, 40))}`);
  return cursor;
}
