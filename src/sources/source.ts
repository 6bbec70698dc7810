import type { ControllerInfo, License } from "../federation/model.js";

/** One entry per requested key, in order: the value, or an Error in its place so one bad key fails alone. */
export type BatchResult<T> = Array<T | Error>;

export interface ActivateInput {
  key: string;
  activationIso?: Date;
}

export interface ClaimInput {
  key: string;
  nodeId: string;
  /**
   * The vendor account ids of the controller's owner at this source, when the gateway knows them. A vendor
   * whose claim answer lacks the new link's id may re-read these accounts to learn it.
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

  activate?(input: ActivateInput): Promise<License>;

  claim?(input: ClaimInput): Promise<ClaimOutcome>;

  health(): SourceHealth;

  close(): Promise<void>;
}
