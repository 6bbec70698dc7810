import type { Access } from "../../auth/policy.js";
import { badInput, GatewayError } from "../../errors/gateway-error.js";
import type { CatalogueApi, LicenseSource } from "../../sources/source.js";
import type { License } from "../../domain/model.js";
import { parseLicenseId } from "../../domain/model.js";
import type { FederatedReads } from "../reads.js";
import type { SourceRegistry } from "../registry.js";
import { checkCustomerId, checkId, checkText, MAX_NAME_LENGTH } from "../validate.js";
import { type AuditedWriter, unsupported, type UserErrorView } from "./audited.js";

export interface AssignDemoLicenseInput {
  customerId: string;
  source: string;
  lang?: string | null;
  acceptNotifications?: boolean | null;
}
export interface AssignBulkLicenseInput {
  customerId: string;
  source: string;
  offerCode: string;
  info: string;
  acceptNotifications?: boolean | null;
  currency?: string | null;
}
export interface LicenseRefInput {
  licenseId: string;
}
export interface LicensePayloadResult {
  license: License | null;
  errors: UserErrorView[];
}
export interface CancelResult {
  cancelled: boolean;
  licenseId: string | null;
  errors: UserErrorView[];
}

/** What the checks found: a customer's account at a catalogue source, or a license assigned from one. */
interface CustomerAccount {
  catalogue: CatalogueApi;
  account: string;
}
interface AssignedLicense {
  catalogue: CatalogueApi;
  license: License;
}

const LANG = /^[A-Za-z]{2}$/;
const CURRENCY = /^[A-Za-z]{3}$/;

/**
 * Licenses given from a vendor's catalogue (Customerarea): demo and paid assignments, renewal, cancellation.
 * None of these vendor calls is idempotent, so none is ever retried. Each needs a customer or license the
 * principal may see; one it may not is NOT_FOUND, as if missing.
 */
export class CatalogueMutations {
  constructor(
    private readonly writer: AuditedWriter,
    private readonly sources: SourceRegistry,
    private readonly reads: FederatedReads,
    private readonly access: Access,
  ) {}

  assignDemoLicense(input: AssignDemoLicenseInput): Promise<LicensePayloadResult> {
    const check = () => {
      if (input.lang != null && !LANG.test(input.lang)) throw badInput(["input", "lang"], "lang is a two-letter language code, e.g. EN");
      return this.customerAt(input.customerId, input.source);
    };
    return this.writer.withPayload<LicensePayloadResult, CustomerAccount>(
      "assignDemoLicense",
      input,
      { license: null },
      check,
      async ({ catalogue, account }) => {
        const license = await catalogue.assignDemo(account, {
          lang: input.lang ?? undefined,
          acceptNotifications: input.acceptNotifications ?? undefined,
        });
        return this.writer.commit("assignDemoLicense", input, async () => ({ license, errors: [] }));
      },
    );
  }

  assignBulkLicense(input: AssignBulkLicenseInput): Promise<LicensePayloadResult> {
    const check = () => {
      checkText(input.offerCode, ["input", "offerCode"], "an offer code", 50);
      checkText(input.info, ["input", "info"], "the license info", MAX_NAME_LENGTH);
      if (input.currency != null && !CURRENCY.test(input.currency))
        throw badInput(["input", "currency"], "currency is a three-letter ISO 4217 code, e.g. EUR");
      return this.customerAt(input.customerId, input.source);
    };
    return this.writer.withPayload<LicensePayloadResult, CustomerAccount>(
      "assignBulkLicense",
      input,
      { license: null },
      check,
      async ({ catalogue, account }) => {
        const license = await catalogue.assignOffer(account, {
          offerCode: input.offerCode,
          info: input.info,
          acceptNotifications: input.acceptNotifications ?? undefined,
          currency: input.currency ?? undefined,
        });
        return this.writer.commit("assignBulkLicense", input, async () => ({ license, errors: [] }));
      },
    );
  }

  renewLicense(input: LicenseRefInput): Promise<LicensePayloadResult> {
    return this.writer.withPayload<LicensePayloadResult, AssignedLicense>(
      "renewLicense",
      input,
      { license: null },
      () => this.assigned(input.licenseId),
      async ({ catalogue, license }) => {
        const renewed = await catalogue.renew(license.account!.externalId, license.externalId);
        return this.writer.commit("renewLicense", input, async () => ({ license: renewed, errors: [] }));
      },
    );
  }

  cancelLicense(input: LicenseRefInput): Promise<CancelResult> {
    return this.writer.withPayload<CancelResult, AssignedLicense>(
      "cancelLicense",
      input,
      { cancelled: false, licenseId: null },
      () => this.assigned(input.licenseId),
      async ({ catalogue, license }) => {
        await catalogue.cancel(license.account!.externalId, license.externalId);
        return this.writer.commit("cancelLicense", input, async () => ({ cancelled: true, licenseId: input.licenseId, errors: [] }));
      },
    );
  }

  /** The customer's account at a catalogue source; refused before any call when there is none. */
  private async customerAt(customerId: string, sourceId: string): Promise<CustomerAccount> {
    checkCustomerId(customerId, ["input", "customerId"]);
    const source = this.sources.require(sourceId, ["input", "source"]);
    const catalogue = catalogueOf(source);
    const [customer] = await this.writer.store.customers.getMany([customerId]);
    if (!customer || !this.access.seesCustomer(customer.id))
      throw new GatewayError("NOT_FOUND", `no customer with id ${customerId}`, { field: ["input", "customerId"] });
    const account = (await this.writer.store.customers.accountsOf([customerId])).find((a) => a.source === source.id);
    if (!account)
      throw badInput(["input", "customerId"], `customer ${customerId} has no account at ${source.id}; add one with upsertCustomer`);
    return { catalogue, account: account.externalId };
  }

  /** An assigned catalogue license by License.id, with the account it is listed under; the read finds only visible ones. */
  private async assigned(licenseId: string): Promise<AssignedLicense> {
    checkId(licenseId, ["input", "licenseId"], "a license id");
    const ref = parseLicenseId(licenseId);
    if (!ref) throw badInput(["input", "licenseId"], `"${licenseId}" is not a license id (expected "<source>:<externalId>")`);
    const catalogue = catalogueOf(this.sources.require(ref.source, ["input", "licenseId"]));
    let failure: Error | undefined;
    const license = await this.reads.license(licenseId, (error) => (failure ??= error));
    if (!license?.account) {
      if (failure) throw failure;
      throw new GatewayError("NOT_FOUND", `no license ${licenseId} under any account the gateway maps`, {
        field: ["input", "licenseId"],
        source: ref.source,
      });
    }
    return { catalogue, license };
  }
}

function catalogueOf(source: LicenseSource): CatalogueApi {
  if (!source.catalogue) throw unsupported(source, "catalogue licenses");
  return source.catalogue;
}
