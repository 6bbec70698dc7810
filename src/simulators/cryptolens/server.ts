import { changeCryptolensKey } from "./license-control.js";
import type { ChangeOutcome, LicenseChange } from "../license-change.js";
import { CallLog, FaultBook, startListener, type CallFilter, type CallRecord, type FaultRule, knobControls } from "../http-kit.js";
import { ALL_CRYPTOLENS_PERMISSIONS, cryptolensApiHandler, type CryptolensPermission } from "./api-routes.js";
import { cryptolensDemoData, DEFAULT_CRYPTOLENS_PRODUCT_ID, type CryptolensDemoData } from "./data.js";
import { cryptolensErrorBody } from "./envelope.js";

/**
 * A fake Cryptolens Web API written from the contract files only (cryptolens.md, docs/vendors/documents/cryptolens.txt): it imports nothing
 * from src/sources/, so an adapter's misunderstanding cannot hide here. One host, like the real
 * https://api.cryptolens.io, on 127.0.0.1 with an ephemeral port.
 */

export type CryptolensServerName = "api";
export type CryptolensCallRecord = CallRecord<CryptolensServerName>;
export type CryptolensFaultRule = FaultRule<CryptolensServerName>;
export type { CryptolensPermission } from "./api-routes.js";

/** An access token and what it may call. */
export interface CryptolensTokenGrant {
  token: string;
  /** Methods this token may call; others answer "Access denied.". Default: all five. */
  permissions?: CryptolensPermission[];
}

export interface CryptolensSimulatorOptions {
  /** Delay before every request is handled. Default 0. */
  latencyMs?: number;
  /** Accepted access tokens; a bare string may call everything. Default [DEFAULT_CRYPTOLENS_TOKEN]. */
  tokens?: (string | CryptolensTokenGrant)[];
  /** The one product of the demo account. Default 3349 (the contract's example product). */
  productId?: number;
}

export interface CryptolensSimulator {
  /** `http://127.0.0.1:<port>/api/`, the base the method paths are relative to (the real one is https://api.cryptolens.io/api/). */
  url: string;
  /**
   * Every request, faulted and failed ones included. `path` is as sent (casing kept, since it is not
   * significant: filter with a case-insensitive RegExp). `query` has the `token` value replaced by
   * "[redacted]"; POST body parameters are not logged. `authorization` is always false: Cryptolens sends its
   * token as a parameter, not a header.
   */
  calls: { count(filter?: CallFilter<CryptolensServerName>): number; list(): CryptolensCallRecord[]; reset(): void };
  setLatency(ms: number): void;
  /** Spoils matching requests (first matching rule wins) until `times` runs out or clearFaults(). */
  fault(rule: CryptolensFaultRule): void;
  clearFaults(): void;
  /** The live state the server reads and changes (Activate, Deactivate); mutate it to script a scenario. */
  data: CryptolensDemoData;
  /** Changes a license behind the gateway's back, as the vendor's own back office would (issue 16's demo). */
  changeLicense(key: string, change: LicenseChange): ChangeOutcome;
  /** Data, faults, calls and latency back to their start. */
  reset(): void;
  /** Closes the server, destroying every open socket (keep-alive and hung "timeout" ones). */
  close(): Promise<void>;
}

export const DEFAULT_CRYPTOLENS_TOKEN = "demo-cryptolens-token";
const REDACTED = "[redacted]";

export async function startCryptolensSimulator(options: CryptolensSimulatorOptions = {}): Promise<CryptolensSimulator> {
  const productId = options.productId ?? DEFAULT_CRYPTOLENS_PRODUCT_ID;
  const initialLatencyMs = options.latencyMs ?? 0;
  const knobs = {
    calls: new CallLog<CryptolensServerName>(),
    faults: new FaultBook<CryptolensServerName>(),
    latencyMs: initialLatencyMs,
    errorBody: (status: number) => cryptolensErrorBody(status),
  };
  const tokens = new Map<string, ReadonlySet<CryptolensPermission>>(
    (options.tokens ?? [DEFAULT_CRYPTOLENS_TOKEN]).map((grant) =>
      typeof grant === "string"
        ? [grant, new Set(ALL_CRYPTOLENS_PERMISSIONS)]
        : [grant.token, new Set(grant.permissions ?? ALL_CRYPTOLENS_PERMISSIONS)],
    ),
  );
  const data = cryptolensDemoData(productId);
  const api = await startListener("api", knobs, cryptolensApiHandler({ data, tokens }));

  return {
    url: `${api.url}/api/`,
    calls: {
      count: (filter) => knobs.calls.count(filter),
      // The token travels in the query string: a log dump must not carry it.
      list: () =>
        knobs.calls.list().map((call) => ({
          ...call,
          query: Object.fromEntries(
            Object.entries(call.query).map(([name, value]) => [name, name.toLowerCase() === "token" ? REDACTED : value]),
          ),
        })),
      reset: () => knobs.calls.reset(),
    },
    ...knobControls(knobs),
    data,
    changeLicense: (key, change) => changeCryptolensKey(data, key, change),
    reset: () => {
      // In place, so a test holding `sim.data.keys` still sees the live arrays.
      const seed = cryptolensDemoData(productId);
      data.customers.splice(0, Infinity, ...seed.customers);
      data.keys.splice(0, Infinity, ...seed.keys);
      knobs.faults.clear();
      knobs.calls.reset();
      knobs.latencyMs = initialLatencyMs;
    },
    close: () => api.close(),
  };
}
