import type { LicenseEvent, LicenseEventType } from "../domain/license-events.js";
import { licenseId, type LicenseStatus } from "../domain/model.js";

/**
 * The JSON body of one webhook delivery: one event. `version` changes only when a field changes meaning or goes
 * away; new fields may be added to version 1, so a receiver ignores what it does not know. The body is the same
 * for every attempt at one delivery (only the signature's timestamp changes), and it never holds the license's
 * key (a credential of the customer's) nor anything a vendor said.
 */
export interface WebhookPayloadV1 {
  version: 1;
  /** The event's cursor, as a string: unique across the gateway's log and the same on every retry. */
  id: string;
  type: LicenseEventType;
  /** When the gateway noticed it, ISO 8601. */
  at: string;
  /** `License.id` in the GraphQL API: `<source>:<externalId>`. */
  licenseId: string;
  source: string;
  customerId: string | null;
  status: LicenseStatus;
  previousStatus: LicenseStatus | null;
  nodeId: string | null;
  expiresAt: string | null;
  thresholdDays: number | null;
}

/** Named field by field, so a field added to LicenseEvent reaches receivers only when it is added here. */
export function webhookPayload(event: LicenseEvent): WebhookPayloadV1 {
  return {
    version: 1,
    id: String(event.cursor),
    type: event.type,
    at: event.at.toISOString(),
    licenseId: licenseId(event.source, event.externalId),
    source: event.source,
    customerId: event.customerId,
    status: event.status,
    previousStatus: event.previousStatus,
    nodeId: event.nodeId,
    expiresAt: event.expiresAt?.toISOString() ?? null,
    thresholdDays: event.thresholdDays,
  };
}

/** The exact bytes sent and signed. */
export function webhookBody(event: LicenseEvent): string {
  return JSON.stringify(webhookPayload(event));
}
