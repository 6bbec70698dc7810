import { changeEnirisLicense } from "./license-control.js";
import type { ChangeOutcome, LicenseChange } from "../license-change.js";
import { CallLog, FaultBook, startListener, type CallFilter, type CallRecord, type FaultRule, knobControls } from "../http-kit.js";
import { enirisApiHandler } from "./api-routes.js";
import { enirisAuthHandler, type EnirisUser } from "./auth-routes.js";
import { enirisDemoData, type EnirisBrand, type EnirisDemoData } from "./data.js";
import { enirisErrorBody } from "./envelope.js";
import { DEFAULT_ACCESS_TOKEN_TTL_MS, EnirisTokenStore } from "./token-store.js";

/**
 * A fake Eniris backend written from the contract files only (eniris.md, eniris-auth.md, the OpenAPI excerpt):
 * it imports nothing from src/sources/, so an adapter's misunderstanding cannot hide here. Like the real vendor
 * it has two hosts, an API server and an auth server, both on 127.0.0.1 with an ephemeral port.
 */

export type EnirisServerName = "api" | "auth";
export type EnirisCallRecord = CallRecord<EnirisServerName>;
export type EnirisFaultRule = FaultRule<EnirisServerName>;

export interface EnirisSimulatorOptions {
  /** Which brand's demo data to serve. Default "sofar". */
  brand?: EnirisBrand;
  /** Delay before every request of both servers is handled. Default 0. */
  latencyMs?: number;
  /** Access token lifetime. Default 10 minutes (the spec's "10 minutes validity period"). */
  accessTokenTtlMs?: number;
  /** Send tokens JSON-quoted (`"abc"`), as some clients see them. Default false (raw text). */
  quoteTokens?: boolean;
  /** Accepted logins. Default one user, demo@example.com / demo-password. */
  users?: EnirisUser[];
  /** Refresh tokens accepted without a login. Default ["demo-refresh-token-<brand>"]. */
  refreshTokens?: string[];
}

export interface EnirisSimulator {
  /** `http://127.0.0.1:<port>` of the API host (the real one is https://api.eniris.be). */
  apiUrl: string;
  /** `http://127.0.0.1:<port>` of the auth host (the real one is https://authentication.eniris.be). */
  authUrl: string;
  /** Every request to either server, faulted and failed ones included. */
  calls: { count(filter?: CallFilter<EnirisServerName>): number; list(): EnirisCallRecord[]; reset(): void };
  setLatency(ms: number): void;
  /** Spoils matching requests (first matching rule wins) until `times` runs out or clearFaults(). */
  fault(rule: EnirisFaultRule): void;
  clearFaults(): void;
  /** Every access token issued so far is refused (401) from now on; refresh tokens keep working. */
  expireAccessTokens(): void;
  /**
   * An access token for the first user, live for `ttlMs` (default: the configured lifetime), as if the auth host
   * had issued it: for a client configured with a static bearer header, which cannot renew a 10-minute token.
   */
  issueAccessToken(ttlMs?: number): string;
  /** The live state the servers read and change (activate, claim); mutate it to script a scenario. */
  data: EnirisDemoData;
  /** Changes a license behind the gateway's back, as the vendor's own back office would (issue 16's demo). */
  changeLicense(key: string, change: LicenseChange): ChangeOutcome;
  /** Data, faults, calls and latency back to their start; pre-issued refresh tokens valid again. */
  reset(): void;
  /** Closes both servers, destroying every open socket (keep-alive and hung "timeout" ones). */
  close(): Promise<void>;
}

export const DEFAULT_ENIRIS_USERS: readonly EnirisUser[] = [{ username: "demo@example.com", password: "demo-password" }];

export async function startEnirisSimulator(options: EnirisSimulatorOptions = {}): Promise<EnirisSimulator> {
  const brand = options.brand ?? "sofar";
  const users = options.users ?? [...DEFAULT_ENIRIS_USERS];
  const initialLatencyMs = options.latencyMs ?? 0;
  const knobs = {
    calls: new CallLog<EnirisServerName>(),
    faults: new FaultBook<EnirisServerName>(),
    latencyMs: initialLatencyMs,
    errorBody: (status: number) => enirisErrorBody(status),
  };
  const tokens = new EnirisTokenStore({
    accessTokenTtlMs: options.accessTokenTtlMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS,
    preIssuedRefreshTokens: options.refreshTokens ?? [`demo-refresh-token-${brand}`],
    preIssuedSubject: users[0]?.username ?? "eniris-simulator",
  });
  const data = enirisDemoData(brand);

  const api = await startListener("api", knobs, enirisApiHandler({ data, tokens }));
  const auth = await startListener("auth", knobs, enirisAuthHandler({ tokens, users, quoteTokens: options.quoteTokens ?? false })).catch(
    async (error: unknown) => {
      await api.close();
      throw error;
    },
  );

  return {
    apiUrl: api.url,
    authUrl: auth.url,
    calls: {
      count: (filter) => knobs.calls.count(filter),
      list: () => knobs.calls.list(),
      reset: () => knobs.calls.reset(),
    },
    ...knobControls(knobs),
    expireAccessTokens: () => tokens.expireAccessTokens(),
    issueAccessToken: (ttlMs) => tokens.issueAccessToken(users[0]?.username ?? "eniris-simulator", ttlMs),
    data,
    changeLicense: (key, change) => changeEnirisLicense(data, key, change),
    reset: () => {
      // In place, so a test holding `sim.data.licenses` still sees the live arrays.
      const seed = enirisDemoData(brand);
      data.customers.splice(0, Infinity, ...seed.customers);
      data.controllers.splice(0, Infinity, ...seed.controllers);
      data.licenses.splice(0, Infinity, ...seed.licenses);
      data.datalinks.splice(0, Infinity, ...seed.datalinks);
      knobs.faults.clear();
      knobs.calls.reset();
      knobs.latencyMs = initialLatencyMs;
      tokens.restorePreIssued();
    },
    close: async () => {
      await Promise.all([api.close(), auth.close()]);
    },
  };
}
