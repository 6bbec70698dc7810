import type { LicenseStatus } from "./model.js";

export interface LifecycleDates {
  activatedAt: Date | null;
  expiresAt: Date | null;
  deactivatedAt: Date | null;
  blocked?: boolean;
}

/**
 * The status rule shared by every source, in order of precedence: a blocked license is BLOCKED whatever its
 * dates; a deactivation in the past wins over activation; never activated is INACTIVE; past its expiry is
 * EXPIRED; otherwise ACTIVE.
 */
export function deriveStatus(dates: LifecycleDates, now: Date): LicenseStatus {
  if (dates.blocked) return "BLOCKED";
  if (dates.deactivatedAt !== null && dates.deactivatedAt <= now) return "DEACTIVATED";
  if (dates.activatedAt === null) return "INACTIVE";
  if (dates.expiresAt !== null && dates.expiresAt <= now) return "EXPIRED";
  return "ACTIVE";
}

/**
 * End of a license that runs `months` from activation. Calendar months, clamped to the month's last day
 * (Jan 31 + 1 month = Feb 28/29), in UTC. No duration (null or 0) means no known end.
 */
export function addMonths(start: Date | null, months: number | null): Date | null {
  if (start === null || months === null || months <= 0) return null;
  const d = new Date(start.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}
