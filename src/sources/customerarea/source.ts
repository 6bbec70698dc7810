import { FieldProblemsError, GatewayError } from "../../errors/gateway-error.js";
import type { License } from "../../domain/model.js";
import { eachAlone, type BatchResult, type CatalogueApi, type LicenseSource, type SourceHealth } from "../source.js";
import type { UpstreamTelemetry } from "../../observability/upstream-telemetry.js";
import { CustomerareaApi } from "./api.js";
import { CustomerareaCatalogue } from "./catalogue.js";
import type { CustomerareaSourceConfig } from "./config.js";
import { toLicense } from "./mapper.js";
import { customerCodeProblem, licenceList, offerList } from "./vendor-types.js";

/**
 * FlashStart's reseller licences API ("Customerarea", docs/vendors/customerarea.md). Its licences belong to
 * customers, not to controllers, so the gateway keeps the claims itself (`claimsKeptByGateway`). There is no lookup
 * of one licence across customers, so no `findLicense` (the gateway scans the mapped accounts), and no activation
 * (the customer activates in FlashStart), so no `activate`: the gateway answers UNSUPPORTED_BY_SOURCE for it.
 */
export class CustomerareaSource implements LicenseSource {
  readonly kind = "customerarea";
  readonly claimsKeptByGateway = true;
  readonly catalogue: CatalogueApi;
  private readonly api: CustomerareaApi;

  constructor(
    readonly id: string,
    config: CustomerareaSourceConfig,
    private readonly now: () => Date = () => new Date(),
    telemetry?: UpstreamTelemetry,
  ) {
    this.api = new CustomerareaApi(id, config, telemetry);
    this.catalogue = new CustomerareaCatalogue(this.api, now);
  }

  validateAccountId(externalId: string): string | null {
    return customerCodeProblem(externalId);
  }

  /** `GET licenses` (inferred endpoint) per account, all in flight together: the vendor lists one customer per call. */
  async licensesOfAccounts(externalIds: readonly string[]): Promise<BatchResult<License[]>> {
    return eachAlone((code) => this.licensesOf(code))(externalIds);
  }

  health(): SourceHealth {
    return this.api.health();
  }

  /**
   * `GET licenses/available` without its required `customer_code`: the vendor's validation answer naming that
   * field comes only from the real endpoint after the API key was accepted (Laravel runs the auth middleware
   * first), so it proves the url and the key without reading any customer. A 404 (a wrong url) or a 401 fails.
   */
  async probe(): Promise<void> {
    try {
      await this.api.call("licenses/available", "the check's probe", {}, offerList);
    } catch (error) {
      if (error instanceof FieldProblemsError) return;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.api.close();
  }

  private async licensesOf(code: string): Promise<License[]> {
    const problem = customerCodeProblem(code);
    if (problem !== null) throw new GatewayError("BAD_USER_INPUT", problem, { source: this.id });
    const list = await this.api.call("licenses", `customer ${code}`, { customer_code: Number(code) }, licenceList);
    const now = this.now();
    return list.map((raw) => toLicense(this.id, raw, code, now));
  }
}
