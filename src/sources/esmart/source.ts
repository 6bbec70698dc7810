import { FieldProblemsError, GatewayError, isGatewayError } from "../../errors/gateway-error.js";
import { encodePath, HttpClient } from "../http.js";
import type { UpstreamRequest, UpstreamResponse } from "../upstream-exchange.js";
import {
  eachAlone,
  type BatchResult,
  type ContactPatch,
  type ControllerHardware,
  type CustomerProfile,
  type DirectoryApi,
  type LicenseSource,
  type SourceHealth,
} from "../source.js";
import { answerError, noteVendorAnswer, statusError } from "../vendor-answer.js";
import { decodeIfShaped, parseBody } from "../vendor-body.js";
import type { UpstreamTelemetry } from "../../observability/upstream-telemetry.js";
import { VendorTransport } from "../vendor-transport.js";
import type { EsmartSourceConfig } from "./config.js";
import { contactProblems } from "./contact-rules.js";
import { modelStateProblems, toHardware, toProfile, toVendorPatch } from "./mapper.js";
import { AREA_HEADER, esmartCustomer, esmartDeviceList, esmartError, esmartGateway, type EsmartDevice } from "./vendor-types.js";

/**
 * The eSmart Systems customer web API (docs/vendors/esmart.md). eSmart holds no licenses, so none of the license
 * methods exist here: the source is a directory of customer profiles and controller hardware. Everything
 * eSmart-specific (Basic auth, the X-Area header, PascalCase bodies, Web API's error shapes) stays in this folder.
 *
 * Every lookup is one call per key, all in flight together (the vendor has no batch endpoints); a key that fails
 * gets an Error in its slot and leaves its neighbours alone. The GETs may be retried on a transient failure
 * (SourceGuard); the PATCH never is: it is not idempotent in effect (a retry after a timeout could overwrite a
 * later change).
 */
export class EsmartSource implements LicenseSource {
  readonly kind = "esmart";
  readonly directory: DirectoryApi;
  private readonly transport: VendorTransport;
  private readonly http: HttpClient;
  /**
   * Authorization and X-Area, sent on every call. A private (#) field so that logging or inspecting the source
   * never shows the credentials; no error message is built from request headers.
   */
  readonly #headers: Record<string, string>;

  constructor(
    readonly id: string,
    config: EsmartSourceConfig,
    telemetry?: UpstreamTelemetry,
  ) {
    // RFC 7617: base64 of "user:password" in UTF-8.
    const credentials = Buffer.from(`${config.username}:${config.password}`, "utf8").toString("base64");
    // Redacted from whatever the vendor says, should it echo them.
    this.transport = new VendorTransport(id, config, () => [config.password, credentials], telemetry);
    this.http = this.transport.client(config.url);
    this.#headers = { authorization: `Basic ${credentials}`, "x-area": AREA_HEADER[config.area] };
    this.directory = {
      profiles: (accountIds) => this.profiles(accountIds),
      hardware: (serialNumbers) => this.hardware(serialNumbers),
      validateContact: (patch) => contactProblems(patch),
      updateContact: (accountId, patch) => this.updateContact(accountId, patch),
    };
  }

  /**
   * An eSmart customer id is one URL path segment (`api/customers/{customerId}`). Beyond that the gateway assumes
   * nothing: the one example known is "123", and other deployments may use strings.
   */
  validateAccountId(externalId: string): string | null {
    return pathSegmentProblem(externalId, "an eSmart customer id");
  }

  health(): SourceHealth {
    return this.transport.health.snapshot();
  }

  /**
   * `GET api/ping` (docs/vendors/esmart.md: version and subsystems), authenticated like every request: a 200 proves
   * both.
   */
  async probe(): Promise<void> {
    await this.transport.health.track(async () => {
      const res = await this.send({ method: "GET", path: "api/ping" });
      if (res.status !== 200) throw this.failure(res, "ping");
    });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private profiles(accountIds: readonly string[]): Promise<BatchResult<CustomerProfile | null>> {
    return eachAlone((accountId) => this.profile(accountId))(accountIds);
  }

  private async profile(accountId: string): Promise<CustomerProfile | null> {
    this.checkAccountId(accountId);
    return this.transport.health.track(() => this.readProfile(accountId));
  }

  /**
   * GET api/customers/{id}; a 404 means eSmart has no such customer for this user (docs/vendors/esmart.md: "others →
   * 403/404").
   */
  private async readProfile(accountId: string): Promise<CustomerProfile | null> {
    const res = await this.send({ method: "GET", path: encodePath`api/customers/${accountId}` });
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.failure(res, "customer");
    return toProfile(this.id, accountId, parseBody(this.http, res, esmartCustomer, "customer"));
  }

  private hardware(serialNumbers: readonly string[]): Promise<BatchResult<ControllerHardware | null>> {
    return eachAlone((serialNumber) => this.hardwareOf(serialNumber))(serialNumbers);
  }

  /**
   * The gateway with this serial, then the devices behind it. The two calls are one operation: a failing devices
   * call fails this serial (a gateway reported without its devices would look like one that has none).
   */
  private async hardwareOf(serialNumber: string): Promise<ControllerHardware | null> {
    // Serials come from other vendors, unchecked: one that cannot be a path segment cannot be asked for, so
    // eSmart has no gateway under it.
    if (pathSegmentProblem(serialNumber, "a serial number") !== null) return null;
    return this.transport.health.track(async () => {
      const res = await this.send({ method: "GET", path: encodePath`api/gateways/serialnumber/${serialNumber}` });
      if (res.status === 404) return null;
      if (res.status !== 200) throw this.failure(res, "gateway");
      const gateway = parseBody(this.http, res, esmartGateway, "gateway");
      // Inferred: a gateway without an ExternalId cannot be asked for its devices, so it is reported with none.
      const devices = gateway.ExternalId ? await this.devicesBehind(gateway.ExternalId) : [];
      return toHardware(this.id, serialNumber, gateway, devices);
    });
  }

  private async devicesBehind(externalId: string): Promise<EsmartDevice[]> {
    if (pathSegmentProblem(externalId, "a gateway ExternalId") !== null) {
      throw new GatewayError("UPSTREAM_BAD_RESPONSE", "gateway: its ExternalId cannot be used in a URL path", { source: this.id });
    }
    const res = await this.send({ method: "GET", path: encodePath`api/gateways/externalId/${externalId}/devices` });
    // Inferred: the gateway was just found, so a 404 here says it has no devices, not that it vanished.
    if (res.status === 404) return [];
    if (res.status !== 200) throw this.failure(res, "gateway devices");
    return parseBody(this.http, res, esmartDeviceList, "gateway devices");
  }

  /**
   * Checks the vendor's documented rules first (nothing is sent when they fail), then PATCHes only the given
   * fields. Web API answers either with the updated customer (200) or with 204 No Content; after a 204 the
   * customer is read again (one GET, inside the same tracked operation). Not retried (see the class comment).
   */
  private async updateContact(accountId: string, patch: ContactPatch): Promise<CustomerProfile> {
    const problems = contactProblems(patch);
    if (problems.length > 0) throw new FieldProblemsError(problems, { source: this.id });
    this.checkAccountId(accountId);
    return this.transport.health.track(async () => {
      const res = await this.send({ method: "PATCH", path: encodePath`api/customers/${accountId}`, json: toVendorPatch(patch) });
      if (res.status === 200 || res.status === 204) {
        // The update happened either way: a 200 whose body is not a customer (empty, `true`, some envelope) is
        // read back like a 204 rather than reported as a failure.
        const updated = res.status === 200 ? decodeIfShaped(this.http, res, jsonOrUndefined(res.text), esmartCustomer) : undefined;
        return updated !== undefined ? toProfile(this.id, accountId, updated) : this.rereadAfterUpdate(accountId);
      }
      if (res.status === 404) throw answerError(this.http, res, "NOT_FOUND", `eSmart has no customer ${accountId}`);
      const modelState = res.status === 400 ? vendorError(res)?.ModelState : undefined;
      const fieldProblems = modelState === undefined ? [] : modelStateProblems(modelState);
      if (fieldProblems.length > 0) {
        noteVendorAnswer(this.http, res, "BAD_USER_INPUT");
        throw new FieldProblemsError(fieldProblems, { source: this.id, upstreamStatus: 400 });
      }
      throw this.failure(res, "contact update");
    });
  }

  /** The update was accepted; a failure now must say so, or the client would think nothing changed. */
  private async rereadAfterUpdate(accountId: string): Promise<CustomerProfile> {
    let profile: CustomerProfile | null;
    try {
      profile = await this.readProfile(accountId);
    } catch (error) {
      if (!isGatewayError(error)) throw error;
      throw new GatewayError(error.code, `eSmart accepted the contact update, but reading the customer back failed: ${error.message}`, {
        source: this.id,
        upstreamStatus: error.upstreamStatus,
        cause: error,
      });
    }
    if (profile === null) {
      throw new GatewayError(
        "UPSTREAM_BAD_RESPONSE",
        `eSmart accepted the contact update, but customer ${accountId} could not be read back (404)`,
        {
          source: this.id,
          upstreamStatus: 404,
        },
      );
    }
    return profile;
  }

  /** Every call carries the credentials and the configured area. */
  private send(req: UpstreamRequest): Promise<UpstreamResponse> {
    return this.http.send({ ...req, headers: { ...req.headers, ...this.#headers } });
  }

  private checkAccountId(accountId: string): void {
    const problem = this.validateAccountId(accountId);
    if (problem !== null) throw new GatewayError("BAD_USER_INPUT", problem, { source: this.id });
  }

  /** 401, 403, 429, 5xx and any other status; the vendor's `Message` is logged, never shown. */
  private failure(res: UpstreamResponse, what: string): GatewayError {
    return statusError(this.http, res, what);
  }
}

/** Web API's error body, if the answer has one; undefined for anything else (an HTML error page, nothing). */
function vendorError(res: UpstreamResponse) {
  const parsed = esmartError.safeParse(jsonOrUndefined(res.text));
  return parsed.success ? parsed.data : undefined;
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Why `value` cannot be one segment of an eSmart URL path, or null. Even percent-encoded, "/" and "\\" are path
 * separators to an ASP.NET host once it decodes the path before routing, and "." / ".." would be resolved away
 * (see HttpClient.send).
 */
function pathSegmentProblem(value: string, what: string): string | null {
  if (value.trim() === "") return `${what} must not be empty`;
  if (/[/\\]/.test(value)) return `${what} goes into a URL path, so it cannot contain "/" or "\\"`;
  if (value === "." || value === "..") return `${what} cannot be "." or ".."`;
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${what} goes into a URL path, so it cannot contain control characters`;
  return null;
}
