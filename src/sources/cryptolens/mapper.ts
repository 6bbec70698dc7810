import { datalinkId, type Datalink, type License } from "../../domain/model.js";
import { deriveStatus } from "../../domain/status.js";
import { FEATURES, parseVendorDate, type CryptolensKey, type CryptolensKeyMetadata } from "./vendor-types.js";

/**
 * Cryptolens key → the one License model (docs/vendors/cryptolens.md). "doc" = documented by the vendor or the
 * contract's mapping section; "inferred" = the gateway's reading where the doc is silent.
 *
 * | vendor field                          | License field    | how                                                          |
 * | ------------------------------------- | ---------------- | ------------------------------------------------------------ |
 * | `key`                                 | `externalId`     | inferred: the key is the vendor's handle (GetKey, Activate and Deactivate all take ProductId + Key; no method takes the numeric `id`), unique within the configured product, so `license(id)` is one `key/GetKey`. `id` is only unique per product and nothing looks it up. |
 * | `key`                                 | `key`            | doc                                                          |
 * | —                                     | `type`           | null: the vendor has no license type (`notes` is free text)  |
 * | `block`                               | `status`         | doc: BLOCKED when true; otherwise the shared rule: EXPIRED once past `expiresAt`, else ACTIVE |
 * | `created`                             | `createdAt`      | doc; zone-less, read as UTC                                  |
 * | `created`                             | `activatedAt`    | doc: "Cryptolens keys are valid from creation", so never INACTIVE |
 * | `expires` + metadata `timeLimited`    | `expiresAt`      | doc: `expires` when the key is time-limited. Metadata `licenseStatus.timeLimited: false` means the key never ends (null), whatever `expires` says. Every read asks for metadata (GetKey too, see source.ts); where none comes back the gateway cannot tell and takes `expires` (inferred: the contract maps `expires` onto the License) |
 * | —                                     | `deactivatedAt`  | null: a key is blocked, never deactivated                    |
 * | `period`                              | `durationMonths` | null: `period` is in days and does not match `expires` in the vendor's own example; no months are invented |
 * | —                                     | `gridKw` `solarKw` `batteryKw` `evKw` | null: no such notion                    |
 * | `f1`..`f8`                            | `features`       | doc: the names of the enabled ones, in order (`[]` when none) |
 * | `maxNoOfMachines`                     | `maxControllers` | doc: the value when > 0; null when 0 (unlimited) or absent (BasicLicenseKey) |
 * | `activatedMachines[]`                 | `datalinks`      | doc: one per machine, `nodeId` = `mid`, `createdAt` = `time`, `vendorId` null (the vendor has no id for it); null when the body has no `activatedMachines` (BasicLicenseKey) |
 * | the account read, else `customer.id`  | `account`        | doc: the CustomerId the list was read for; a key read alone names its `customer` (LicenseKey) |
 * | —                                     | `customerId`     | null: only the gateway's store knows its customers            |
 *
 * `key/GetKey` refuses a blocked key ("The key is blocked and cannot be accessed."): a lookup then yields
 * `blockedKeyLicense`, status BLOCKED with every unknown field null.
 */
export function toLicense(
  source: string,
  raw: CryptolensKey,
  context: { metadata: CryptolensKeyMetadata | null | undefined; accountId: string | null; now: Date },
): License {
  const externalId = raw.key;
  const createdAt = date(raw.created);
  const timeLimited = context.metadata?.licenseStatus?.timeLimited;
  const expiresAt = timeLimited === false ? null : date(raw.expires);
  const customer = raw.customer?.id;
  const accountId = context.accountId ?? (customer !== undefined && customer > 0 ? String(customer) : null);
  return {
    source,
    externalId,
    key: raw.key,
    type: null,
    status: deriveStatus({ activatedAt: createdAt, expiresAt, deactivatedAt: null, blocked: raw.block }, context.now),
    gridKw: null,
    solarKw: null,
    batteryKw: null,
    evKw: null,
    createdAt,
    activatedAt: createdAt,
    expiresAt,
    deactivatedAt: null,
    durationMonths: null,
    features: FEATURES.filter((f) => raw[f] === true),
    maxControllers: raw.maxNoOfMachines != null && raw.maxNoOfMachines > 0 ? raw.maxNoOfMachines : null,
    account: accountId === null ? null : { source, externalId: accountId },
    customerId: null,
    datalinks: raw.activatedMachines == null ? null : raw.activatedMachines.map((m) => toDatalink(source, externalId, m.mid, m.time)),
  };
}

/**
 * A key the vendor will not show: `key/GetKey` answers "The key is blocked and cannot be accessed." for a blocked
 * key. That says the key exists in the product and is blocked, and nothing more, so everything else is null
 * (unknown) rather than a false "not found". A customer listing still shows the whole key.
 */
export function blockedKeyLicense(source: string, key: string): License {
  return {
    source,
    externalId: key,
    key,
    type: null,
    status: "BLOCKED",
    gridKw: null,
    solarKw: null,
    batteryKw: null,
    evKw: null,
    createdAt: null,
    activatedAt: null,
    expiresAt: null,
    deactivatedAt: null,
    durationMonths: null,
    features: null,
    maxControllers: null,
    account: null,
    customerId: null,
    datalinks: null,
  };
}

function toDatalink(source: string, licenseExternalId: string, nodeId: string, time: string | null | undefined): Datalink {
  // The machine code IS the controller's nodeId (the gateway activates with MachineCode = nodeId).
  return {
    id: datalinkId(source, null, licenseExternalId, nodeId),
    source,
    licenseExternalId,
    vendorId: null,
    nodeId,
    createdAt: date(time),
  };
}

function date(value: string | null | undefined): Date | null {
  return value ? parseVendorDate(value) : null;
}
