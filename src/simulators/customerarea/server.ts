import { changeCustomerareaLicence } from "./license-control.js";
import type { ChangeOutcome, LicenseChange } from "../license-change.js";
import { CallLog, FaultBook, startListener, type CallFilter, type CallRecord, type FaultRule, knobControls } from "../http-kit.js";
import { BASE_PATH, customerareaApiHandler } from "./api-routes.js";
import { customerareaDemoData, type CustomerareaDemoData } from "./data.js";
import { customerareaErrorBody } from "./envelope.js";
import type { LicenceState } from "./licence-routes.js";
import type { CustomerareaInputRecord } from "./request-input.js";

/**
 * A fake Customerarea (FlashStart reseller) licences API written from the contract files only (customerarea.md,
 * docs/vendors/documents/customerarea.txt): it imports nothing from src/sources/, so an adapter's misunderstanding cannot hide here. One host,
 * on 127.0.0.1 with an ephemeral port, serving the API below `/customerarea/` like the real base URL.
 */

export type CustomerareaServerName = "api";
export type CustomerareaCallRecord = CallRecord<CustomerareaServerName>;
export type CustomerareaFaultRule = FaultRule<CustomerareaServerName>;
export type { CustomerareaInputRecord } from "./request-input.js";

export interface CustomerareaSimulatorOptions {
  /** Delay before every request is handled. Default 0. */
  latencyMs?: number;
  /** Accepted `X-API-KEY` values. Default ["demo-flashstart-key"]. */
  apiKeys?: string[];
  /** The reseller's starting credit, EUR; reset() restores it. Default 500. */
  credit?: number;
  /**
   * The clock, epoch milliseconds: dates of new demos and renewals, and when running licences read "expired".
   * Default Date.now. Seeded dates never depend on it.
   */
  now?: () => number;
}

export interface CustomerareaSimulator {
  /** `http://127.0.0.1:<port>/customerarea/`, the base URL (the real one is https://api.fsflt.net/customerarea/). */
  url: string;
  /**
   * Every request, faulted and failed ones included. `authorization` is always false here: this vendor's key
   * travels in `X-API-KEY` (see `inputs` for whether one came).
   */
  calls: { count(filter?: CallFilter<CustomerareaServerName>): number; list(): CustomerareaCallRecord[]; reset(): void };
  /**
   * The parameters of every request that reached an operation (not faulted ones, not unknown paths), and whether
   * they came in the body, the query or both. Values only; the API key never.
   */
  inputs: { list(): CustomerareaInputRecord[]; last(): CustomerareaInputRecord | undefined; reset(): void };
  setLatency(ms: number): void;
  /** Spoils matching requests (first matching rule wins) until `times` runs out or clearFaults(). */
  fault(rule: CustomerareaFaultRule): void;
  clearFaults(): void;
  /** The live state the server reads and changes (demo, bulk, renew, delete, credit); mutate it to script a scenario. */
  data: CustomerareaDemoData;
  /** Changes a license behind the gateway's back, as the vendor's own back office would (issue 16's demo). */
  changeLicense(key: string, change: LicenseChange): ChangeOutcome;
  /** Data, credit, licence ids, faults, calls, inputs and latency back to their start. */
  reset(): void;
  /** Closes the server, destroying every open socket (keep-alive and hung "timeout" ones). */
  close(): Promise<void>;
}

export const DEFAULT_CUSTOMERAREA_API_KEYS: readonly string[] = ["demo-flashstart-key"];

export async function startCustomerareaSimulator(options: CustomerareaSimulatorOptions = {}): Promise<CustomerareaSimulator> {
  const initialLatencyMs = options.latencyMs ?? 0;
  const seed = () => customerareaDemoData(options.credit === undefined ? {} : { credit: options.credit });
  const knobs = {
    calls: new CallLog<CustomerareaServerName>(),
    faults: new FaultBook<CustomerareaServerName>(),
    latencyMs: initialLatencyMs,
    errorBody: (status: number) => customerareaErrorBody(status),
  };
  const data = seed();
  const firstNewId = (licences: { id: number }[]) => Math.max(0, ...licences.map((l) => l.id)) + 1;
  const initialNextId = firstNewId(data.licences);
  let nextId = initialNextId;
  let inputs: CustomerareaInputRecord[] = [];

  const state: LicenceState = {
    data,
    now: options.now ?? Date.now,
    nextLicenceId: () => {
      // Never reuse an id, even of a deleted licence, nor collide with one a test pushed into `data`.
      const id = Math.max(nextId, firstNewId(data.licences));
      nextId = id + 1;
      return id;
    },
  };

  const api = await startListener(
    "api",
    knobs,
    customerareaApiHandler({
      state,
      apiKeys: options.apiKeys ?? [...DEFAULT_CUSTOMERAREA_API_KEYS],
      onInput: (record) => inputs.push(record),
    }),
  );

  return {
    url: `${api.url}${BASE_PATH}`,
    calls: {
      count: (filter) => knobs.calls.count(filter),
      list: () => knobs.calls.list(),
      reset: () => knobs.calls.reset(),
    },
    inputs: {
      list: () => inputs.map((r) => structuredClone(r)),
      last: () => (inputs.length === 0 ? undefined : structuredClone(inputs[inputs.length - 1])),
      reset: () => {
        inputs = [];
      },
    },
    ...knobControls(knobs),
    data,
    changeLicense: (key, change) => changeCustomerareaLicence(data, key, change, state.now()),
    reset: () => {
      // In place, so a test holding `sim.data.licences` still sees the live arrays.
      const fresh = seed();
      data.customers.splice(0, Infinity, ...fresh.customers);
      data.catalogue.splice(0, Infinity, ...fresh.catalogue);
      data.licences.splice(0, Infinity, ...fresh.licences);
      data.credit = fresh.credit;
      data.examples = fresh.examples;
      nextId = initialNextId;
      knobs.faults.clear();
      knobs.calls.reset();
      inputs = [];
      knobs.latencyMs = initialLatencyMs;
    },
    close: () => api.close(),
  };
}
