import type { ControllerInfo, License } from "../domain/model.js";

/** One entry per requested key, in order: the value, or an Error in its place so one bad key fails alone. */
export type BatchResult<T> = Array<T | Error>;

/** What was thrown, as an Error to put in a batch result's place. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** A batch read over a vendor call that takes one key: each key its own call, each failure in its own place. */
export function eachAlone<T>(fetch: (key: string) => Promise<T>): (keys: readonly string[]) => Promise<BatchResult<T>> {
  return (keys) => Promise.all(keys.map((key) => fetch(key).catch(asError)));
}

export interface ActivateInput {
  key: string;
  activationIso?: Date;
}

export interface ClaimInput {
  key: string;
  nodeId: string;
  /**
   * Vendor account ids at this source that may list the license (the one the gateway read it under, the
   * controller owner's), when the gateway knows them. A vendor whose claim answer lacks the new link's id may
   * re-read these accounts to learn it.
   */
  ownerAccounts?: readonly string[];
}

export interface ClaimOutcome {
  licenseExternalId: string;
  key: string;
  nodeId: string;
  /** The claimed license as the source now reports it; null when the claim succeeded but the re-read failed. */
  license: License | null;
  /** The vendor's id for the new link, when it tells (or the adapter could learn it). */
  vendorDatalinkId: string | null;
}

/** How a license is looked up: by the vendor's id for it, or by its key. */
export type LicenseMatch = { externalId: string } | { key: string };

export interface SourceHealth {
  /** "ok" once a call succeeded since the last failure; "failing" after a failure; "unknown" before any call. */
  state: "ok" | "failing" | "unknown";
  lastErrorCode: string | null;
  lastErrorAt: Date | null;
  lastSuccessAt: Date | null;
  /** The source's circuit breaker: "open" while calls fail fast; "closed" for a source without one (local). */
  circuit: "closed" | "open" | "half-open";
  /** Median and 95th-percentile time of the upstream calls in the recent window, in ms; null without any. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Share of the source's operations in the recent window that failed (UPSTREAM_* codes), 0..1; null without any. */
  errorRate: number | null;
}

/**
 * What every license source implements. The local store is a source like the vendors. Optional methods are
 * capabilities: the federation layer skips a source that lacks one instead of calling it.
 *
 * Errors are GatewayErrors with `source` set. Domain failures use domain codes (NOT_FOUND,
 * LICENSE_ALREADY_ACTIVATED, LICENSE_ALREADY_CLAIMED); transport and vendor failures use UPSTREAM_* codes.
 */
export interface LicenseSource {
  readonly id: string;
  readonly kind: string;

  /**
   * Checks an account id (the vendor's customer id) before anything is stored or sent. Returns a message
   * saying what is wrong, or null when it is acceptable.
   */
  validateAccountId?(externalId: string): string | null;

  /** Licenses of the given vendor accounts, with their datalinks where the vendor can list them. */
  licensesOfAccounts?(externalIds: readonly string[]): Promise<BatchResult<License[]>>;

  /** Licenses linked to the given controllers. A controller the vendor does not know has none. */
  licensesOfControllers?(nodeIds: readonly string[]): Promise<BatchResult<License[]>>;

  /** Controllers by node id, in one call where the vendor allows; null for one the vendor does not know. */
  controllers?(nodeIds: readonly string[]): Promise<BatchResult<ControllerInfo | null>>;

  /** One license by id or key, where the vendor can look one up directly. */
  findLicense?(match: LicenseMatch): Promise<License | null>;

  /**
   * Activates a license. A vendor whose licenses are valid from creation (Cryptolens) returns the license's
   * current state unchanged and says so in `note`.
   */
  activate?(input: ActivateInput): Promise<License & { note?: string }>;

  /** Links a license to a controller at the vendor. */
  claim?(input: ClaimInput): Promise<ClaimOutcome>;

  /** Undoes a claim at the vendor (Cryptolens `key/Deactivate`); the license as it now stands. */
  release?(input: ClaimInput): Promise<License | null>;

  /**
   * True when the vendor has no notion of a license's controller (Customerarea): the gateway keeps such claims
   * in its own store, after checking the license exists at the source.
   */
  readonly claimsKeptByGateway?: boolean;

  /** A catalogue of licenses a customer can be given, and the operations on assigned ones (Customerarea). */
  readonly catalogue?: CatalogueApi;

  /** Customer profiles and controller hardware (eSmart). */
  readonly directory?: DirectoryApi;

  health(): SourceHealth;

  /**
   * One cheap authenticated read that changes nothing (`license-gateway check`): resolves when the vendor
   * answered at the configured URL and accepted the credentials, rejects with the GatewayError saying why not.
   * Each vendor folder picks the read whose answer proves both (a 404 from a wrong base URL must not pass).
   */
  probe?(): Promise<void>;

  close(): Promise<void>;
}

/** Something a customer can be given, from a source's catalogue. Not a License: nobody holds it yet. */
export interface LicenseOffer {
  source: string;
  code: string;
  name: string;
  durationMonths: number | null;
  version: string | null;
  quantity: number | null;
  points: number | null;
  price: number | null;
  currency: string | null;
}

export interface OfferFilter {
  lang?: string | undefined;
  version?: string | undefined;
  durationMonths?: number | undefined;
  code?: string | undefined;
  currency?: string | undefined;
}

/** One input field the vendor's rules refuse, found before any call (or reported by the vendor per field). */
export interface FieldProblem {
  /** The GraphQL input path, e.g. ["input", "email"]. */
  field: string[];
  message: string;
}

/**
 * Assigning and managing licenses from a catalogue (Customerarea). `accountId` is the vendor's customer id.
 * Vendor validation failures are GatewayErrors with code BAD_USER_INPUT; per-field ones carry `problems`
 * (see `FieldProblemsError`).
 */
export interface CatalogueApi {
  offers(accountId: string, filter: OfferFilter): Promise<LicenseOffer[]>;
  assignDemo(accountId: string, options: { lang?: string | undefined; acceptNotifications?: boolean | undefined }): Promise<License>;
  assignOffer(
    accountId: string,
    input: { offerCode: string; info: string; acceptNotifications?: boolean | undefined; currency?: string | undefined },
  ): Promise<License>;
  renew(accountId: string, licenseExternalId: string): Promise<License>;
  cancel(accountId: string, licenseExternalId: string): Promise<void>;
}

export interface CustomerProfile {
  source: string;
  externalId: string;
  name: string | null;
  email: string | null;
  phoneNumber: string | null;
  mobileNumber: string | null;
  address: string | null;
  postalCode: string | null;
  city: string | null;
}

export interface HardwareDevice {
  deviceId: string;
  serialNumber: string | null;
  type: string | null;
  name: string | null;
  active: boolean | null;
}

/** A controller's hardware as a monitoring vendor sees it (eSmart: the "gateway" with that serial number). */
export interface ControllerHardware {
  source: string;
  serialNumber: string;
  gatewayId: string | null;
  externalId: string | null;
  name: string | null;
  active: boolean | null;
  lastSeenAt: Date | null;
  firmwareVersion: string | null;
  devices: HardwareDevice[];
}

export interface ContactPatch {
  email?: string | undefined;
  phoneNumber?: string | undefined;
  mobileNumber?: string | undefined;
}

export interface DirectoryApi {
  /** Profiles by the vendor's customer id; null for one the vendor does not know. */
  profiles(accountIds: readonly string[]): Promise<BatchResult<CustomerProfile | null>>;
  /** Hardware by serial number, devices included; null when the vendor has none with that serial. */
  hardware(serialNumbers: readonly string[]): Promise<BatchResult<ControllerHardware | null>>;
  /** The vendor's rules for contact details, checked before any call; empty when the patch is acceptable. */
  validateContact(patch: ContactPatch): FieldProblem[];
  updateContact(accountId: string, patch: ContactPatch): Promise<CustomerProfile>;
}
