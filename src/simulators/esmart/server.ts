import { CallLog, FaultBook, startListener, type CallFilter, type CallRecord, type FaultRule, knobControls } from "../http-kit.js";
import { esmartApiHandler, type EsmartAreaRecord } from "./api-routes.js";
import { esmartDemoData, type EsmartDemoData } from "./data.js";
import { esmartErrorBody } from "./envelope.js";
import type { EsmartUser } from "./request-context.js";

/**
 * A fake eSmart Systems customer web API written from the contract files only (esmart.md, docs/vendors/documents/esmart.txt): it
 * imports nothing from src/sources/, so an adapter's misunderstanding cannot hide here. The real API is one
 * host (https://nefwebapi.esmartapi.com/); so is this, on 127.0.0.1 with an ephemeral port.
 */

export type EsmartServerName = "api";
export type EsmartCallRecord = CallRecord<EsmartServerName>;
export type EsmartFaultRule = FaultRule<EsmartServerName>;
export type { EsmartAreaRecord } from "./api-routes.js";
export type { EsmartUser } from "./request-context.js";

export interface EsmartSimulatorOptions {
  /** Delay before every request is handled. Default 0. */
  latencyMs?: number;
  /**
   * Accepted Basic-auth users, each seeing only its own customers' resources. Default one user,
   * demo-integration / demo-password, who sees every demo customer of both areas.
   */
  users?: EsmartUser[];
}

export interface EsmartSimulator {
  /** `http://127.0.0.1:<port>/`, ending in "/" like the real base `https://nefwebapi.esmartapi.com/`. */
  url: string;
  /**
   * Every request, faulted and failed ones included (the kit's log; filters match the path as sent, so case
   * matters there even though routing ignores it). `areas()` adds the `X-Area` of each request that reached
   * the API, i.e. was not spoiled by a fault; `reset()` clears both.
   */
  calls: {
    count(filter?: CallFilter<EsmartServerName>): number;
    list(): EsmartCallRecord[];
    areas(): EsmartAreaRecord[];
    reset(): void;
  };
  setLatency(ms: number): void;
  /** Spoils matching requests (first matching rule wins) until `times` runs out or clearFaults(). */
  fault(rule: EsmartFaultRule): void;
  clearFaults(): void;
  /** The live state the server reads and changes (PATCH); mutate it to script a scenario. */
  data: EsmartDemoData;
  /** Data, faults, calls and latency back to their start. */
  reset(): void;
  /** Closes the server, destroying every open socket (keep-alive and hung "timeout" ones). */
  close(): Promise<void>;
}

/** The default login: every customer id of the demo data, both areas. */
export function defaultEsmartUsers(): EsmartUser[] {
  const customerIds = [...new Set(esmartDemoData().customers.map((c) => c.CustomerId))];
  return [{ username: "demo-integration", password: "demo-password", customerIds }];
}

export async function startEsmartSimulator(options: EsmartSimulatorOptions = {}): Promise<EsmartSimulator> {
  const users = options.users ?? defaultEsmartUsers();
  const initialLatencyMs = options.latencyMs ?? 0;
  const knobs = {
    calls: new CallLog<EsmartServerName>(),
    faults: new FaultBook<EsmartServerName>(),
    latencyMs: initialLatencyMs,
    errorBody: (status: number) => esmartErrorBody(status),
  };
  let areas: EsmartAreaRecord[] = [];
  const data = esmartDemoData();

  const api = await startListener("api", knobs, esmartApiHandler({ data, users, recordArea: (record) => areas.push(record) }));

  return {
    url: `${api.url}/`,
    calls: {
      count: (filter) => knobs.calls.count(filter),
      list: () => knobs.calls.list(),
      areas: () => areas.map((record) => ({ ...record })),
      reset: () => {
        knobs.calls.reset();
        areas = [];
      },
    },
    ...knobControls(knobs),
    data,
    reset: () => {
      // In place, so a test holding `sim.data.customers` still sees the live arrays.
      const seed = esmartDemoData();
      data.customers.splice(0, Infinity, ...seed.customers);
      data.gateways.splice(0, Infinity, ...seed.gateways);
      data.devices.splice(0, Infinity, ...seed.devices);
      knobs.faults.clear();
      knobs.calls.reset();
      areas = [];
      knobs.latencyMs = initialLatencyMs;
    },
    close: () => api.close(),
  };
}
