import { FieldProblemsError, GatewayError } from "../../errors/gateway-error.js";
import type { License } from "../../domain/model.js";
import type { CatalogueApi, LicenseOffer, OfferFilter } from "../source.js";
import type { CustomerareaApi } from "./api.js";
import { toLicense, toOffer } from "./mapper.js";
import { customerCodeProblem, deletedAnswer, licenceAnswer, offerList } from "./vendor-types.js";

/**
 * The Customerarea catalogue (docs/vendors/customerarea.md): offers, demo and bulk assignment, renewal and
 * cancellation. Each parameter is sent with the type the vendor documents: `customer_code` a Number for available,
 * demo and bulk, but a String (with `license_id`) for renew and delete; `version_code` a Number, `license_duration`
 * a String. Optional parameters left undefined are not sent, so the vendor's defaults (EN, EUR, notifications on)
 * apply. Language and currency codes are sent upper-case, as the vendor writes them ("EN", "EUR").
 */
export class CustomerareaCatalogue implements CatalogueApi {
  constructor(
    private readonly api: CustomerareaApi,
    private readonly now: () => Date,
  ) {}

  async offers(accountId: string, filter: OfferFilter): Promise<LicenseOffer[]> {
    const params = {
      customer_code: this.customerCode(accountId, undefined),
      lang: upper(filter.lang),
      version_code: filter.version === undefined ? undefined : this.versionCode(filter.version),
      license_duration: filter.durationMonths === undefined ? undefined : String(filter.durationMonths),
      license_code: filter.code,
      currency_code: upper(filter.currency),
    };
    const offers = await this.api.call("licenses/available", `customer ${accountId}`, params, offerList);
    return offers.map((raw) => toOffer(this.api.source, raw));
  }

  async assignDemo(accountId: string, options: { lang?: string | undefined; acceptNotifications?: boolean | undefined }): Promise<License> {
    const params = {
      customer_code: this.customerCode(accountId, ["input", "customerId"]),
      lang: upper(options.lang),
      accept_notifications: options.acceptNotifications,
    };
    const raw = await this.api.call("licenses/demo", `customer ${accountId}`, params, licenceAnswer);
    return toLicense(this.api.source, raw, accountId, this.now());
  }

  async assignOffer(
    accountId: string,
    input: { offerCode: string; info: string; acceptNotifications?: boolean | undefined; currency?: string | undefined },
  ): Promise<License> {
    const params = {
      customer_code: this.customerCode(accountId, ["input", "customerId"]),
      license_code: input.offerCode,
      license_info: input.info,
      accept_notifications: input.acceptNotifications,
      currency_code: upper(input.currency),
    };
    const raw = await this.api.call("licenses/bulk", `customer ${accountId}, offer ${input.offerCode}`, params, licenceAnswer);
    return toLicense(this.api.source, raw, accountId, this.now());
  }

  /** Inferred meaning (docs/vendors/customerarea.md): the answer is the licence that follows the renewed one. */
  async renew(accountId: string, licenseExternalId: string): Promise<License> {
    const params = this.licenceParams(accountId, licenseExternalId);
    const raw = await this.api.call("licenses/renew", `customer ${accountId}, licence ${licenseExternalId}`, params, licenceAnswer);
    return toLicense(this.api.source, raw, accountId, this.now());
  }

  /** Inferred meaning: the licence leaves the customer; only `{deleted:true}` confirms it. */
  async cancel(accountId: string, licenseExternalId: string): Promise<void> {
    const params = this.licenceParams(accountId, licenseExternalId);
    await this.api.call("licenses/delete", `customer ${accountId}, licence ${licenseExternalId}`, params, deletedAnswer);
  }

  private licenceParams(accountId: string, licenseExternalId: string): { license_id: string; customer_code: string } {
    this.customerCode(accountId, ["input", "licenseId"]);
    if (licenseExternalId.trim() === "") {
      throw new GatewayError("BAD_USER_INPUT", "a Customerarea licence id is not empty", {
        source: this.api.source,
        field: ["input", "licenseId"],
      });
    }
    return { license_id: licenseExternalId, customer_code: accountId };
  }

  /** The account id as the vendor's Number, refused before any call when it is not one. */
  private customerCode(accountId: string, field: string[] | undefined): number {
    const problem = customerCodeProblem(accountId);
    if (problem !== null) throw new GatewayError("BAD_USER_INPUT", problem, { source: this.api.source, ...(field ? { field } : {}) });
    return Number(accountId);
  }

  /** `version_code` is documented as a Number ("see directory/licenses/versions"); the GraphQL argument is a String. */
  private versionCode(version: string): number {
    if (!/^\d{1,9}$/.test(version.trim())) {
      throw new FieldProblemsError(
        [{ field: ["version"], message: `a Customerarea version is a whole number, e.g. 2 (got "${version.slice(0, 40)}")` }],
        {
          source: this.api.source,
        },
      );
    }
    return Number(version.trim());
  }
}

function upper(code: string | undefined): string | undefined {
  return code?.toUpperCase();
}
