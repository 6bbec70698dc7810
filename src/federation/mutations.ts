import { GatewayError, isGatewayError } from "../errors/gateway-error.js";
import type { ErrorCode } from "../errors/codes.js";
import { claimToDatalink, LOCAL_SOURCE_ID } from "../sources/local/mapper.js";
import { LocalSource } from "../sources/local/source.js";
import type { Store } from "../store/store.js";
import type { CustomerRow } from "../store/customers.js";
import type { ControllerRow } from "../store/controllers.js";
import type { ClaimOutcome, LicenseSource } from "../sources/source.js";
import { datalinkId, type Datalink, type License } from "./model.js";
import type { FederatedReads } from "./reads.js";
import type { SourceRegistry } from "./registry.js";
import { checkKey, checkNodeId, checkOptionalInt, checkText, MAX_NAME_LENGTH } from "./validate.js";

/** A failure the client caused or can act on; returned in a mutation payload rather than as a GraphQL error. */
export interface UserErrorView {
  code: ErrorCode;
  message: string;
  field: string[] | null;
  source: string | null;
}

export interface ActivateResult {
  license: License | null;
  errors: UserErrorView[];
}

export interface ClaimResult {
  license: License | null;
  datalink: (Datalink & { license: License | null }) | null;
  errors: UserErrorView[];
}

/** Codes that belong in a payload's `errors`. Anything else (a vendor outage, a bug) is a GraphQL error. */
const PAYLOAD_CODES = new Set<ErrorCode>([
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "FORBIDDEN",
  "LICENSE_ALREADY_ACTIVATED",
  "LICENSE_ALREADY_CLAIMED",
  "UNSUPPORTED_BY_SOURCE",
]);

export interface ActivateLicenseInput {
  source: string;
  key: string;
  activationIso?: Date | null;
}
export interface ClaimLicenseInput {
  source: string;
  key: string;
  nodeId: string;
}
export interface UpsertCustomerInput {
  id?: string | null;
  name: string;
  accounts?: { source: string; externalId: string }[] | null;
}
export interface UpsertControllerInput {
  nodeId: string;
  name?: string | null;
  serialNumber?: string | null;
  customerId?: string | null;
}
export interface IssueLicenseInput {
  key?: string | null;
  type?: string | null;
  gridKw?: number | null;
  solarKw?: number | null;
  batteryKw?: number | null;
  evKw?: number | null;
  durationMonths?: number | null;
  customerId?: string | null;
}

/**
 * The write side. Every mutation validates its input before any upstream call, and writes its local changes
 * and its audit entry in one transaction, so a failure leaves no trace but the audit line saying it failed.
 */
export class MutationService {
  constructor(
    private readonly store: Store,
    private readonly sources: SourceRegistry,
    private readonly reads: FederatedReads,
    private readonly principal: string | null,
  ) {}

  async activateLicense(input: ActivateLicenseInput): Promise<ActivateResult> {
    return this.withPayload("activateLicense", input, async () => {
      const source = this.sources.require(input.source, ["input", "source"]);
      checkKey(input.key);
      const activate = source.activate?.bind(source);
      if (!activate) throw unsupported(source, "activating licenses");
      const request = { key: input.key, ...(input.activationIso ? { activationIso: input.activationIso } : {}) };
      if (source.id === LOCAL_SOURCE_ID) {
        return this.commit("activateLicense", input, async (tx) => ({ license: await this.local(tx).activate(request), errors: [] }));
      }
      const license = await activate(request);
      return this.commit("activateLicense", input, async () => ({ license, errors: [] }));
    });
  }

  async claimLicense(input: ClaimLicenseInput): Promise<ClaimResult> {
    return this.withPayload("claimLicense", input, async () => {
      const source = this.sources.require(input.source, ["input", "source"]);
      checkKey(input.key);
      checkNodeId(input.nodeId);
      if (!source.claim) throw unsupported(source, "claiming licenses");
      if (source.id === LOCAL_SOURCE_ID) {
        // The gateway is the authority for local licenses, so it checks the controller exists like a vendor would.
        const controller = await this.reads.controller(input.nodeId, () => {});
        if (!controller) throw new GatewayError("NOT_FOUND", `no controller with nodeId ${input.nodeId}`, { field: ["input", "nodeId"], source: source.id });
        return this.commit("claimLicense", input, async (tx) => {
          const outcome = await this.local(tx).claim({ key: input.key, nodeId: input.nodeId });
          const link = outcome.license?.datalinks?.find((d) => d.nodeId === input.nodeId) ?? null;
          return { license: outcome.license, datalink: link && { ...link, license: outcome.license }, errors: [] };
        });
      }
      const outcome = await source.claim({ key: input.key, nodeId: input.nodeId, ownerAccounts: await this.ownerAccounts(source.id, input.nodeId) });
      return this.commit("claimLicense", input, async (tx) => this.recordVendorClaim(tx, source, outcome));
    });
  }

  /** The accounts at `sourceId` of the customer the controller is registered to, if it is. */
  private async ownerAccounts(sourceId: string, nodeId: string): Promise<string[]> {
    const [controller] = await this.store.controllers.getMany([nodeId]);
    if (!controller?.customerId) return [];
    return (await this.store.customers.accountsOf([controller.customerId])).filter((a) => a.source === sourceId).map((a) => a.externalId);
  }

  /** Remembers which controller a vendor claim was for, since the vendor's own link list does not say. */
  private async recordVendorClaim(tx: Store, source: LicenseSource, outcome: ClaimOutcome): Promise<ClaimResult> {
    const claim = await tx.claims.recordAccepted({
      source: source.id,
      licenseExternalId: outcome.licenseExternalId,
      licenseKey: outcome.key,
      nodeId: outcome.nodeId,
      vendorDatalinkId: outcome.vendorDatalinkId,
    });
    const link = claimToDatalink(claim);
    return {
      license: outcome.license,
      datalink: { ...link, id: datalinkId(source.id, outcome.vendorDatalinkId, outcome.licenseExternalId, outcome.nodeId), license: outcome.license },
      errors: [],
    };
  }

  upsertCustomer(input: UpsertCustomerInput): Promise<CustomerRow> {
    return this.failuresAudited("upsertCustomer", input, async () => {
    if (input.id !== undefined && input.id !== null) checkText(input.id, ["input", "id"], "a customer id", MAX_NAME_LENGTH);
    checkText(input.name, ["input", "name"], "a customer name", MAX_NAME_LENGTH);
    const accounts = input.accounts ?? [];
    accounts.forEach((account, i) => {
      const field = ["input", "accounts", String(i)];
      const source = this.sources.require(account.source, [...field, "source"]);
      if (source.id === LOCAL_SOURCE_ID) throw new GatewayError("BAD_USER_INPUT", "local licenses belong to the customer directly; no account is needed", { field: [...field, "source"] });
      checkText(account.externalId, [...field, "externalId"], "an account id", MAX_NAME_LENGTH);
      const problem = source.validateAccountId?.(account.externalId);
      if (problem) throw new GatewayError("BAD_USER_INPUT", problem, { field: [...field, "externalId"], source: source.id });
    });
      return this.commit("upsertCustomer", input, (tx) => tx.customers.upsert({ ...(input.id ? { id: input.id } : {}), name: input.name, accounts }));
    });
  }

  upsertController(input: UpsertControllerInput): Promise<ControllerRow> {
    return this.failuresAudited("upsertController", input, async () => {
      checkNodeId(input.nodeId);
      if (input.name) checkText(input.name, ["input", "name"], "a controller name", MAX_NAME_LENGTH);
      if (input.serialNumber) checkText(input.serialNumber, ["input", "serialNumber"], "a serial number", MAX_NAME_LENGTH);
      return this.commit("upsertController", input, (tx) => tx.controllers.upsert(input));
    });
  }

  issueLicense(input: IssueLicenseInput): Promise<License> {
    return this.failuresAudited("issueLicense", input, () => this.issueLocal(input));
  }

  private async issueLocal(input: IssueLicenseInput): Promise<License> {
    if (input.key !== undefined && input.key !== null) checkKey(input.key);
    if (input.type) checkText(input.type, ["input", "type"], "a license type", 50);
    for (const field of ["gridKw", "solarKw", "batteryKw", "evKw"] as const) checkOptionalInt(input[field], ["input", field], 0, 1_000_000);
    checkOptionalInt(input.durationMonths, ["input", "durationMonths"], 1, 1200);
    return this.commit("issueLicense", input, async (tx) => {
      const row = await tx.licenses.issue(withoutNulls(input));
      const license = await this.local(tx).findLicense({ externalId: row.id });
      if (!license) throw new Error("issued license vanished inside its own transaction");
      return license;
    });
  }

  private local(tx: Store): LocalSource {
    const local = this.sources.find(LOCAL_SOURCE_ID);
    if (!(local instanceof LocalSource)) throw new Error("the local source is not configured");
    return local.within(tx);
  }

  /** Runs `write` and its audit entry in one transaction: both commit, or neither does. */
  private commit<T>(operation: string, input: object, write: (tx: Store) => Promise<T>): Promise<T> {
    return this.store.transaction(async (tx) => {
      const result = await write(tx);
      await tx.audit.append({ operation, principal: this.principal, input, outcome: "ok", result: summarize(result) });
      return result;
    });
  }

  /** Audits a failed mutation (after its transaction rolled back), then rethrows. */
  private async failuresAudited<T>(operation: string, input: object, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code = isGatewayError(error) ? error.code : "INTERNAL_SERVER_ERROR";
      // The audit must not hide the original failure, so its own failure is only swallowed here.
      await this.store.audit.append({ operation, principal: this.principal, input, outcome: "error", errorCode: code }).catch(() => {});
      throw error;
    }
  }

  /** Turns payload-worthy failures into `errors`; anything else propagates as a GraphQL error. Both are audited. */
  private async withPayload<T extends { errors: UserErrorView[] }>(operation: string, input: object, run: () => Promise<T>): Promise<T> {
    try {
      return await this.failuresAudited(operation, input, run);
    } catch (error) {
      if (isGatewayError(error) && PAYLOAD_CODES.has(error.code)) {
        const empty = { license: null, datalink: null } as unknown as T;
        return { ...empty, errors: [{ code: error.code, message: error.message, field: error.field ?? null, source: error.source ?? null }] };
      }
      throw error;
    }
  }
}

/** GraphQL gives null for omitted optional inputs; the store takes absent fields as "not given". */
function withoutNulls<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };
}

function unsupported(source: LicenseSource, what: string): GatewayError {
  return new GatewayError("UNSUPPORTED_BY_SOURCE", `source ${source.id} (${source.kind}) does not support ${what}`, {
    source: source.id,
    field: ["input", "source"],
  });
}

/** What the audit keeps of a result: ids, not whole objects. */
function summarize(result: unknown): unknown {
  if (result === null || typeof result !== "object") return null;
  const r = result as { license?: License | null; datalink?: Datalink | null; id?: string; nodeId?: string; source?: string; externalId?: string };
  if ("errors" in r) return { license: r.license ? `${r.license.source}:${r.license.externalId}` : null, datalink: r.datalink?.id ?? null };
  if (r.source && r.externalId) return { license: `${r.source}:${r.externalId}` };
  return { id: r.id ?? r.nodeId ?? null };
}
