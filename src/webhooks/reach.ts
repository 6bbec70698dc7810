import type { NewLicenseEvent } from "../domain/license-events.js";
import type { ApiKeyRow } from "../store/api-keys.js";

/**
 * Whether the holder of `key` may be told of `event`: exactly the rule reads follow (src/auth/policy.ts), read
 * from the key as it is now. An admin key: every event. A partner key: its granted customers' events. A customer
 * key: its own customer's. An event no customer owns (an unmapped account) only an admin's. A revoked key:
 * nothing. Checked when deliveries are enqueued and again before each attempt, so a grant revoked in between
 * stops the events it covered.
 */
export function keyReaches(
  key: Pick<ApiKeyRow, "role" | "customerId" | "grants" | "revokedAt">,
  event: Pick<NewLicenseEvent, "customerId">,
): boolean {
  if (key.revokedAt !== null) return false;
  if (key.role === "admin") return true;
  if (event.customerId === null) return false;
  if (key.role === "partner") return key.grants.includes(event.customerId);
  return key.customerId === event.customerId;
}
