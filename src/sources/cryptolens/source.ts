import { GatewayError } from "../../errors/gateway-error.js";
import type { License } from "../../domain/model.js";
import { HttpClient } from "../http.js";
import type { UpstreamResponse } from "../upstream-exchange.js";
import {
  eachAlone,
  type ActivateInput,
  type BatchResult,
  type ClaimInput,
  type ClaimOutcome,
  type LicenseMatch,
  type LicenseSource,
  type SourceHealth,
} from "../source.js";
import { answerError } from "../vendor-answer.js";
import { decodeAnswer, decodeIfShaped } from "../vendor-body.js";
import type { UpstreamTelemetry } from "../../observability/upstream-telemetry.js";
import { VendorTransport } from "../vendor-transport.js";
import type { CryptolensSourceConfig } from "./config.js";
import { codeOfMessage, cryptolensError, type FailureContext } from "./errors.js";
import { blockedKeyLicense, toLicense } from "./mapper.js";
import {
  customerLicensesResponse,
  envelope,
  keyResponse,
  MAX_CUSTOMER_ID,
  type CryptolensKey,
  type CryptolensKeyMetadata,
} from "./vendor-types.js";

/** The vendor methods the gateway calls, relative to the configured `url` (…/api/). */
const METHOD = {
  customerLicenses: "customer/GetCustomerLicenses",
  getKey: "key/GetKey",
  activate: "key/Activate",
  deactivate: "key/Deactivate",
} as const;

const CUSTOMER_ID = /^[1-9][0-9]{0,9}$/;
/** Looked up by `probe`: a key no product has. */
const PROBE_KEY = "LICENSE-GATEWAY-PROBE";

/** What `activate` says: the contract has Cryptolens keys valid from creation, so there is nothing to change. */
export const ACTIVATE_NOTE = "Cryptolens keys are active from creation; nothing was changed.";

/**
 * The Cryptolens Web API (docs/vendors/cryptolens.md), for one configured product: every key call names `productId`,
 * and a customer's keys of other products are left out (this source could not look them up, claim or release them).
 *
 * Transport: every method is a POST with an `application/x-www-form-urlencoded` body (what the official SDKs
 * send) carrying the access token as `token`. The token goes nowhere else: not in a URL, a header, a message.
 * The vendor reports failures as `{"result":1,"message":...}` on any HTTP status; `errors.ts` reads them.
 * Only the two reads (`GetCustomerLicenses`, `GetKey`) may be retried on a transient failure (see SourceGuard);
 * `key/Activate` and `key/Deactivate` are sent once: the vendor's activation is not idempotent.
 */
export class CryptolensSource implements LicenseSource {
  readonly kind = "cryptolens";
  private readonly transport: VendorTransport;
  private readonly http: HttpClient;
  private readonly productId: number;
  // An ES private field: unlike a TypeScript `private`, it never shows in util.inspect or a logged object.
  readonly #token: string;

  constructor(
    readonly id: string,
    config: CryptolensSourceConfig,
    private readonly now: () => Date = () => new Date(),
    telemetry?: UpstreamTelemetry,
  ) {
    // Redacted from whatever the vendor says, should it echo the request's parameters.
    this.transport = new VendorTransport(id, config, () => [config.token], telemetry);
    this.http = this.transport.client(config.url);
    this.productId = config.productId;
    this.#token = config.token;
  }

  validateAccountId(externalId: string): string | null {
    return CUSTOMER_ID.test(externalId) && Number(externalId) <= MAX_CUSTOMER_ID
      ? null
      : `a Cryptolens customer id is a positive integer up to ${MAX_CUSTOMER_ID}`;
  }

  async licensesOfAccounts(customerIds: readonly string[]): Promise<BatchResult<License[]>> {
    // The vendor lists one customer per call: all in flight together, each failing alone.
    return eachAlone((customerId) => this.customerLicenses(customerId))(customerIds);
  }

  /**
   * By key or by id: a Cryptolens License's externalId is its key (see mapper.ts), so both are one `key/GetKey`.
   * "Could not find the key." is a plain not found (null); a blocked key, which GetKey refuses to show, is a
   * License that says BLOCKED and nothing else (see `blockedKeyLicense`).
   */
  async findLicense(match: LicenseMatch): Promise<License | null> {
    const key = "key" in match ? match.key : match.externalId;
    if (key.trim() === "") return null;
    return this.transport.health.track(() =>
      this.getKey(key).catch((error: unknown) => {
        if (error instanceof GatewayError && error.code === "NOT_FOUND") return null;
        if (error instanceof GatewayError && error.code === "LICENSE_BLOCKED") return blockedKeyLicense(this.id, key);
        throw error;
      }),
    );
  }

  /**
   * Cryptolens keys are valid from creation (contract): nothing to activate. Returns the key as it stands, with a
   * note saying so. `activationIso` is ignored: the vendor has no activation date to set.
   */
  async activate(input: ActivateInput): Promise<License & { note: string }> {
    this.checkKey(input.key);
    const license = await this.transport.health.track(() => this.getKey(input.key));
    return { ...license, note: ACTIVATE_NOTE };
  }

  /**
   * `key/Activate` with MachineCode = the controller's nodeId, sent exactly once: the vendor's activation is not
   * idempotent, so even a timeout is reported rather than repeated (the machine may have been added).
   */
  async claim(input: ClaimInput): Promise<ClaimOutcome> {
    this.checkKey(input.key);
    this.checkNodeId(input.nodeId);
    const { res, value } = await this.transport.health.track(() =>
      this.call(
        METHOD.activate,
        { ProductId: String(this.productId), Key: input.key, MachineCode: input.nodeId, Metadata: "true" },
        { key: input.key },
        WRITE,
      ),
    );
    // `result` 0 says the machine was added. A licenseKey we cannot read does not undo that: the claim is
    // reported with the license as null, like a claim whose re-read failed.
    const parsed = decodeIfShaped(this.http, res, value, keyResponse);
    const license = parsed ? this.mapKey(parsed.licenseKey, parsed.metadata, null) : null;
    return { licenseExternalId: license?.externalId ?? input.key, key: input.key, nodeId: input.nodeId, license, vendorDatalinkId: null };
  }

  /** `key/Deactivate` for the controller's machine code, then the key as it now stands (null if that re-read fails). */
  async release(input: ClaimInput): Promise<License | null> {
    this.checkKey(input.key);
    this.checkNodeId(input.nodeId);
    await this.transport.health.track(() =>
      this.call(
        METHOD.deactivate,
        { ProductId: String(this.productId), Key: input.key, MachineCode: input.nodeId },
        { key: input.key },
        WRITE,
      ),
    );
    // The release happened; the re-read is best effort.
    return this.transport.health.track(() => this.getKey(input.key)).catch(() => null);
  }

  health(): SourceHealth {
    return this.transport.health.snapshot();
  }

  /**
   * `key/GetKey` for a key no product has: "Could not find the key." proves the token (and its GetKey right) and
   * the productId. A wrong url is a bare 404, which errors.ts already reads as UPSTREAM_REJECTED, not as no key.
   */
  async probe(): Promise<void> {
    await this.findLicense({ key: PROBE_KEY });
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private customerLicenses(customerId: string): Promise<License[]> {
    const problem = this.validateAccountId(customerId);
    // Nothing is sent for an id the vendor could not accept; the gateway checks ids when mapping, so this is a guard.
    if (problem) return Promise.reject(new GatewayError("BAD_USER_INPUT", `"${customerId}": ${problem}`, { source: this.id }));
    return this.transport.health.track(async () => {
      const { res, value } = await this.call(
        METHOD.customerLicenses,
        { CustomerId: customerId, Detailed: "true", Metadata: "true" },
        { customerId },
        READ,
      );
      const body = decodeAnswer(this.http, res, value, customerLicensesResponse, METHOD.customerLicenses);
      const metadata = body.metadata ?? {};
      return body.licenseKeys
        .filter((raw) => raw.productId === undefined || raw.productId === this.productId)
        .map((raw) => {
          const own =
            raw.globalId !== undefined && Object.hasOwn(metadata, String(raw.globalId)) ? metadata[String(raw.globalId)] : undefined;
          return this.mapKey(raw, own, customerId);
        });
    });
  }

  /**
   * `key/GetKey` (read-only). `Metadata=true` is sent too (inferred: the contract lists it for key/Activate and
   * customer/GetCustomerLicenses only; parameters the vendor does not use are ignored), so that `timeLimited` is
   * known when the vendor returns it.
   */
  private async getKey(key: string): Promise<License> {
    const { res, value } = await this.call(METHOD.getKey, { ProductId: String(this.productId), Key: key, Metadata: "true" }, { key }, READ);
    const body = decodeAnswer(this.http, res, value, keyResponse, METHOD.getKey);
    return this.mapKey(body.licenseKey, body.metadata, null);
  }

  private mapKey(raw: CryptolensKey, metadata: CryptolensKeyMetadata | null | undefined, accountId: string | null): License {
    return toLicense(this.id, raw, { metadata, accountId, now: this.now() });
  }

  /**
   * One vendor call: POST, form-encoded, token included. Returns the parsed body of a success (`result` 0 on a
   * 2xx); any other answer becomes a GatewayError. Health is tracked by the callers around the whole operation.
   * `kind` says whether the method only reads (every method is a POST, so the client cannot tell).
   */
  private async call(
    method: string,
    params: Record<string, string>,
    about: Pick<FailureContext, "key" | "customerId">,
    kind: CallKind,
  ): Promise<{ res: UpstreamResponse; value: unknown }> {
    const res = await this.http.send({
      method: "POST",
      path: method,
      form: { token: this.#token, ...params },
      idempotent: kind === READ,
      isDomainAnswer: documentedAnswer,
    });
    const ctx: FailureContext = { client: this.http, method, productId: this.productId, ...about };
    const value = json(res.text);
    const head = envelope.safeParse(value);
    const is2xx = res.status >= 200 && res.status < 300;
    // The body decides first, whatever the status: Cryptolens puts its error message in it.
    if (head.success && head.data.result !== 0) throw cryptolensError(ctx, res, head.data.message);
    if (!is2xx) throw cryptolensError(ctx, res, undefined);
    if (!head.success) {
      throw answerError(
        this.http,
        res,
        "UPSTREAM_BAD_RESPONSE",
        `${this.id}: ${method}: ${value === undefined ? "the answer is not JSON" : "the answer has no result"}`,
      );
    }
    return { res, value };
  }

  private checkKey(key: string): void {
    // `source` too: the LicenseSource contract promises it on every error, input errors included.
    if (key.trim() === "")
      throw new GatewayError("BAD_USER_INPUT", "a license key must not be empty", { source: this.id, field: ["input", "key"] });
  }

  private checkNodeId(nodeId: string): void {
    if (nodeId.trim() === "") {
      throw new GatewayError("BAD_USER_INPUT", "a controller nodeId must not be empty", { source: this.id, field: ["input", "nodeId"] });
    }
  }
}

const READ = "read";
const WRITE = "write";
type CallKind = typeof READ | typeof WRITE;

/**
 * Cryptolens may put a documented message ("Could not find the key.") on any status, a 5xx included: that is
 * the vendor's answer about the request, so it is neither retried nor counted against the circuit.
 */
function documentedAnswer(res: UpstreamResponse): boolean {
  const head = envelope.safeParse(json(res.text));
  return head.success && codeOfMessage(head.data.message) !== undefined;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
