import type { Role } from "../store/api-keys.js";

export type { Role };

export const ROLES: readonly Role[] = ["admin", "partner", "customer"];

/**
 * Who is calling, once authenticated. What it may see follows from `role` and `customerIds` alone
 * (`src/auth/policy.ts`); where it came from only matters to the audit log.
 */
export interface Principal {
  /** Stable and unique across kinds, as the audit log and idempotency keys record it: `apikey:<id>`, `jwt:<sub>`, `auth-off`. */
  id: string;
  role: Role;
  /**
   * The customers it acts for: the one customer of a `customer` principal, the grants of a `partner`; empty
   * for an admin, who sees everything anyway.
   */
  customerIds: readonly string[];
  via: "api-key" | "jwt" | "auth-off";
  /**
   * For an API key: the key whose trusted documents a request may name by id, and whether the key may run only
   * those (src/server/trusted-documents.ts). Absent for JWTs and with auth off: documents are published per key.
   */
  documents?: {
    apiKeyId: string;
    locked: boolean;
    /** Whether the key has trusted documents: an unlocked one's other operations are then counted and logged. */
    published: boolean;
  };
}

/** With `auth.mode: off` (the demo, tests) every request is this: an admin, recorded as such in the audit log. */
export const AUTH_OFF_PRINCIPAL: Principal = Object.freeze({
  id: "auth-off",
  role: "admin",
  customerIds: Object.freeze([]),
  via: "auth-off",
});
