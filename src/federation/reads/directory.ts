import type { ControllerHardware, CustomerProfile } from "../../sources/source.js";
import { settle, type ReadDeps, type ReportPartial } from "./read-deps.js";

/** The customer's profile from the first directory source (eSmart) where it has an account. */
export async function profile(deps: ReadDeps, customerId: string, report: ReportPartial): Promise<CustomerProfile | null> {
  if (!deps.access.seesCustomer(customerId)) return null;
  const directories = new Set(
    deps.sources
      .all()
      .filter((s) => s.directory)
      .map((s) => s.id),
  );
  const accounts = (await deps.loaders.accountsOfCustomer.load(customerId)).filter((a) => directories.has(a.source));
  const profiles = await settle(
    accounts.map((a) => deps.loaders.profiles.load({ source: a.source, id: a.externalId })),
    report,
  );
  return profiles.find((p) => p !== null) ?? null;
}

/**
 * A controller's hardware from the first directory source that knows its serial number. Not scoped here: it is
 * read only through a controller, which was checked where it was read.
 */
export async function hardware(deps: ReadDeps, serialNumber: string | null, report: ReportPartial): Promise<ControllerHardware | null> {
  if (!serialNumber) return null;
  const keys = deps.sources
    .all()
    .filter((s) => s.directory)
    .map((s) => ({ source: s.id, id: serialNumber }));
  const found = await settle(
    keys.map((k) => deps.loaders.hardware.load(k)),
    report,
  );
  return found.find((h) => h !== null) ?? null;
}
