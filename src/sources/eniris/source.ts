import { GatewayError } from "../../errors/gateway-error.js";
import { datalinkId, type ControllerInfo, type License } from "../../domain/model.js";
import { encodePath, HttpClient } from "../http.js";
import type { UpstreamRequest, UpstreamResponse } from "../upstream-exchange.js";
import {
  asError,
  eachAlone,
  type ActivateInput,
  type BatchResult,
  type ClaimInput,
  type ClaimOutcome,
  type LicenseSource,
  type SourceHealth,
} from "../source.js";
import { answerError, statusError } from "../vendor-answer.js";
import { parseBody } from "../vendor-body.js";
import { VendorTransport } from "../vendor-transport.js";
import { EnirisTokens } from "./auth.js";
import type { EnirisSourceConfig } from "./config.js";
import type { UpstreamTelemetry } from "../../observability/upstream-telemetry.js";
import type { SharedTokens } from "../shared-tokens.js";
import { checkCustomerId, checkNodeId, customerIdProblem, nodeIdProblem } from "./ids.js";
import { toLicense } from "./mapper.js";
import {
  activateResponse,
  claimResponse,
  CONTROLLER_NODE_TYPE,
  deviceQueryResponse,
  errorEnvelope,
  licenseList,
  MAX_KEY_LENGTH,
} from "./vendor-types.js";

/** Node ids per device query; keeps request bodies and responses bounded. */
const DEVICE_QUERY_CHUNK = 100;
/** Asked for by `probe`: a node id no controller has, so the answer is small and says nothing about customers. */
const PROBE_NODE_ID = "license-gateway-probe";

/**
 * The Eniris license API (Sofar and SmartgridOne are two configured instances of it). Everything Eniris-specific
 * (paths, the token flow, error messages, the device query) stays in this folder.
 */
export class EnirisSource implements LicenseSource {
  readonly kind = "eniris";
  /** One guard for both hosts: an auth host that is down makes the whole source unusable, so it counts too. */
  private readonly transport: VendorTransport;
  private readonly api: HttpClient;
  private readonly authClient: HttpClient;
  private readonly tokens: EnirisTokens;

  constructor(
    readonly id: string,
    config: EnirisSourceConfig,
    private readonly now: () => Date = () => new Date(),
    sharedTokens?: SharedTokens,
    telemetry?: UpstreamTelemetry,
  ) {
    // Redacted from whatever the vendor says, should it echo them (the tokens are read when a text is logged).
    this.transport = new VendorTransport(id, config, () => [config.refreshToken, config.password, ...this.tokens.inUse()], telemetry);
    this.api = this.transport.client(config.apiUrl);
    this.authClient = this.transport.client(config.authUrl, { connections: 2, pipelining: 1, maxResponseBytes: 64 * 1024 });
    this.tokens = new EnirisTokens(this.authClient, config, Date.now, sharedTokens);
  }

  validateAccountId(externalId: string): string | null {
    return customerIdProblem(externalId);
  }

  async licensesOfAccounts(externalIds: readonly string[]): Promise<BatchResult<License[]>> {
    // The vendor has no multi-customer endpoint: one call per account, all in flight together.
    return eachAlone(async (customerId) => {
      checkCustomerId(this.id, customerId);
      return this.licenses(encodePath`/v1/license/customer/${customerId}`, { includeDatalinks: true }, customerId);
    })(externalIds);
  }

  async licensesOfControllers(nodeIds: readonly string[]): Promise<BatchResult<License[]>> {
    return eachAlone(async (nodeId) => {
      checkNodeId(this.id, nodeId, ["nodeId"]);
      // 404 "Controller not found": this brand does not know the controller, so it holds none of its licenses.
      return this.licenses(encodePath`/v1/license/controller/${nodeId}`, {}, null, { notFoundIsNone: true });
    })(nodeIds);
  }

  /**
   * Controllers by node id, in as few device queries as the chunk size allows. A node id Eniris could not hold
   * gets its refusal in its own slot and is left out of the query (the rule is the same for every read of a
   * controller: docs/vendors/eniris.md gives node ids no form a path could not carry).
   */
  async controllers(nodeIds: readonly string[]): Promise<BatchResult<ControllerInfo | null>> {
    const refused = new Map<string, Error>();
    for (const nodeId of nodeIds) {
      const problem = nodeIdProblem(nodeId);
      if (problem !== null) refused.set(nodeId, new GatewayError("BAD_USER_INPUT", problem, { source: this.id, field: ["nodeId"] }));
    }
    const asked = [...new Set(nodeIds.filter((nodeId) => !refused.has(nodeId)))];
    const found = new Map<string, ControllerInfo>();
    try {
      for (let i = 0; i < asked.length; i += DEVICE_QUERY_CHUNK) {
        const chunk = asked.slice(i, i + DEVICE_QUERY_CHUNK);
        const body = await this.transport.health.track(async () => {
          const res = await this.call({
            method: "POST",
            path: "/v1/device/query",
            json: { filter: { nodeId: chunk, nodeType: [CONTROLLER_NODE_TYPE] } },
            // A POST only because the filter is a body: it reads, so it may be retried.
            idempotent: true,
          });
          if (res.status !== 200) throw this.failure(res, "device query");
          return parseBody(this.api, res, deviceQueryResponse, "device query");
        });
        for (const device of body.device) {
          const p = device.properties;
          found.set(p.nodeId, { nodeId: p.nodeId, source: this.id, name: p.name ?? null, serialNumber: p.serialNumber ?? null });
        }
      }
    } catch (error) {
      const failure = asError(error);
      return nodeIds.map((nodeId) => refused.get(nodeId) ?? failure);
    }
    return nodeIds.map((nodeId) => refused.get(nodeId) ?? found.get(nodeId) ?? null);
  }

  async activate(input: ActivateInput): Promise<License> {
    checkKey(this.id, input.key);
    return this.transport.health.track(async () => {
      const res = await this.call({
        method: "POST",
        path: "/v1/license/activate",
        json: input.activationIso ? { key: input.key, activationIso: input.activationIso.toISOString() } : { key: input.key },
      });
      if (res.status === 200) return toLicense(this.id, parseBody(this.api, res, activateResponse, "activate").license, null, this.now());
      // The vendor says "License is already activated" with a 400; the gateway validated the body, so any other 400
      // is the vendor disagreeing with a body we believed valid. Its words decide here, and are never repeated.
      if (res.status === 400 && /already activated/i.test(vendorMessage(res) ?? "")) {
        throw answerError(this.api, res, "LICENSE_ALREADY_ACTIVATED", `license ${input.key} is already activated`, {
          field: ["input", "key"],
        });
      }
      if (res.status === 404)
        throw answerError(this.api, res, "NOT_FOUND", `no license with key ${input.key}`, { field: ["input", "key"] });
      throw this.failure(res, "activate");
    });
  }

  async claim(input: ClaimInput): Promise<ClaimOutcome> {
    checkKey(this.id, input.key);
    // The claim's body could carry any node id, but the license is read back by `/v1/license/controller/{nodeId}`:
    // a node id that path cannot hold would make a claim nobody can see.
    checkNodeId(this.id, input.nodeId, ["input", "nodeId"]);
    const claimed = await this.transport.health.track(async () => {
      const res = await this.call({ method: "POST", path: "/v1/license/claim", json: { licenseKey: input.key, nodeId: input.nodeId } });
      if (res.status === 400) {
        // Documented as "Invalid request body or license already claimed". The body was validated before the call,
        // so the gateway reads it as the license being claimed already (inferred).
        throw answerError(this.api, res, "LICENSE_ALREADY_CLAIMED", `license ${input.key} is already claimed`, { field: ["input", "key"] });
      }
      if (res.status === 404) {
        throw answerError(this.api, res, "NOT_FOUND", `license ${input.key} or controller ${input.nodeId} not found`, { field: ["input"] });
      }
      if (res.status !== 200) throw this.failure(res, "claim");
      return parseBody(this.api, res, claimResponse, "claim").license;
    });
    // The claim answer carries only {id, key, nodeId}: re-read the controller's licenses for the full license.
    // The claim already happened, so a failed re-read must not fail it; the license is then reported as null.
    const [reread] = await this.licensesOfControllers([input.nodeId]);
    const license = Array.isArray(reread) ? (reread.find((l) => l.externalId === claimed.id) ?? null) : null;
    const vendorDatalinkId = await this.learnDatalinkId(claimed.id, input.ownerAccounts ?? []);
    // The controller list carries no links, but the claim just made one: a license runs on one controller here.
    const link = {
      id: datalinkId(this.id, vendorDatalinkId, claimed.id, input.nodeId),
      source: this.id,
      licenseExternalId: claimed.id,
      vendorId: vendorDatalinkId,
      nodeId: input.nodeId,
      createdAt: null,
    };
    return {
      licenseExternalId: claimed.id,
      key: claimed.key ?? input.key,
      nodeId: input.nodeId,
      license: license && { ...license, datalinks: [link] },
      vendorDatalinkId,
    };
  }

  /**
   * The claim answer has no datalink id (docs/vendors/eniris.md, inferred): re-read the owner's licenses with their
   * datalinks. A license is claimed at most once (a second claim is refused), so its one link is the new one. Best
   * effort: the claim has happened whatever this finds.
   */
  private async learnDatalinkId(licenseId: string, ownerAccounts: readonly string[]): Promise<string | null> {
    if (ownerAccounts.length === 0) return null;
    const lists = await this.licensesOfAccounts(ownerAccounts);
    for (const list of lists) {
      if (list instanceof Error) continue;
      const links = list.find((l) => l.externalId === licenseId)?.datalinks ?? [];
      if (links.length === 1) return links[0]!.vendorId;
    }
    return null;
  }

  health(): SourceHealth {
    return this.transport.health.snapshot();
  }

  /**
   * An access token from the auth host (the refresh token or login is checked there), then a device query for a
   * node id no controller has: both hosts and the token's rights are proven by a 200 with no devices. Not a
   * license list by controller: its documented 404 ("controller not found") could not be told from a wrong apiUrl.
   */
  async probe(): Promise<void> {
    const [answer] = await this.controllers([PROBE_NODE_ID]);
    if (answer instanceof Error) throw answer;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** `notFoundIsNone`: a 404 means the vendor holds none (no error, nothing logged), not a failure. */
  private licenses(
    path: string,
    query: UpstreamRequest["query"],
    accountId: string | null,
    options: { notFoundIsNone?: boolean } = {},
  ): Promise<License[]> {
    return this.transport.health.track(async () => {
      const res = await this.call({ method: "GET", path, query });
      if (res.status === 404 && options.notFoundIsNone) return [];
      if (res.status !== 200) throw this.failure(res, "license list");
      const now = this.now();
      return parseBody(this.api, res, licenseList, "license list").licenses.map((raw) => toLicense(this.id, raw, accountId, now));
    });
  }

  /**
   * An API call with the access token; on a 401 the token is renewed once and the call repeated once. Health is
   * tracked by the callers around call, status check and parsing together: any answer (a 500, a body that is not
   * JSON) is not yet a success.
   */
  private async call(req: UpstreamRequest): Promise<UpstreamResponse> {
    const token = await this.tokens.accessToken();
    const res = await this.api.send(withBearer(req, token));
    if (res.status !== 401) return res;
    this.tokens.invalidate(token);
    return this.api.send(withBearer(req, await this.tokens.accessToken()));
  }

  private failure(res: UpstreamResponse, what: string): GatewayError {
    return statusError(this.api, res, what);
  }
}

/** The envelope's `message` (else `error`), to branch on; never shown to a client. */
function vendorMessage(res: UpstreamResponse): string | undefined {
  try {
    const body = errorEnvelope.safeParse(JSON.parse(res.text));
    return body.success ? (body.data.message ?? body.data.error) : undefined;
  } catch {
    return undefined;
  }
}

function withBearer(req: UpstreamRequest, token: string): UpstreamRequest {
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
}

function checkKey(source: string, key: string): void {
  if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
    // `source` too: the LicenseSource contract promises it on every error, input errors included.
    throw new GatewayError("BAD_USER_INPUT", `a license key has 1 to ${MAX_KEY_LENGTH} characters`, { source, field: ["input", "key"] });
  }
}
