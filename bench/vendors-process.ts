import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SourceConfigInput } from "../src/config/schema.js";
import { startDemoVendors } from "../src/demo/vendors.js";
import type { EnirisSimulator } from "../src/simulators/eniris/server.js";
import type { CallRecord } from "../src/simulators/http-kit.js";
import { defaultEsmartUsers } from "../src/simulators/esmart/server.js";
import { addSyntheticCustomers, type SyntheticCustomer } from "../test/support/world.js";
import { announce, argument, exitWhenStdinCloses, failStart } from "./child-side.js";

/**
 * The vendor simulators in a process of their own (so their CPU is not the gateway's), with the demo data plus
 * `SYNTHETIC_CUSTOMERS` synthetic customers, and a control endpoint on 127.0.0.1 for the orchestrator:
 *
 *   GET  /world              the sources' configs and the synthetic customers (to register in the gateway)
 *   GET  /calls              { total, byVendor } since the last reset; `?records=1` adds every call record
 *   POST /calls/reset        empties every call log
 *   POST /claim-pool?count=N adds N fresh Cryptolens keys (one machine each, none activated): { keys }
 *   POST /eniris-token?source=S&ttlS=N  an access token of Eniris source S live N seconds: { token } (for Hive
 *                            Gateway's static bearer header; the auth host's tokens live 10 minutes)
 */

export interface VendorsInput {
  latencyMs: number;
  syntheticCustomers: number;
}

export interface VendorsReady {
  controlUrl: string;
}

export interface World {
  sources: Record<string, SourceConfigInput>;
  customers: SyntheticCustomer[];
  /** The Cryptolens source's id in `sources`, where the claim scenario claims. */
  claimSource: string;
}

export type LoggedCall = CallRecord & { vendor: string };

export interface CallCounts {
  total: number;
  byVendor: Record<string, number>;
  records?: LoggedCall[];
}

async function main(): Promise<void> {
  const input = argument<VendorsInput>();
  const esmartUser = defaultEsmartUsers()[0]!;
  const vendors = await startDemoVendors({ latencyMs: input.latencyMs, esmartUser });
  const customers = addSyntheticCustomers(vendors, esmartUser, input.syntheticCustomers);
  const sims = {
    sofar: vendors.sofar,
    smartgridone: vendors.smartgridone,
    cryptolens: vendors.cryptolens,
    flashstart: vendors.flashstart,
    esmart: vendors.esmart,
  };
  const world: World = { sources: vendors.sources, customers, claimSource: "cryptolens" };
  const enirisSims: Record<string, EnirisSimulator> = { sofar: vendors.sofar, smartgridone: vendors.smartgridone };

  const calls = (records: boolean): CallCounts => {
    const byVendor = Object.fromEntries(Object.entries(sims).map(([vendor, sim]) => [vendor, sim.calls.count()]));
    return {
      total: Object.values(byVendor).reduce((a, b) => a + b, 0),
      byVendor,
      ...(records
        ? { records: Object.entries(sims).flatMap(([vendor, sim]) => sim.calls.list().map((call) => ({ vendor, ...call }))) }
        : {}),
    };
  };

  let poolSize = 0;
  const addClaimKeys = (count: number): string[] => {
    const data = vendors.cryptolens.data;
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const n = poolSize++;
      const key = `BENCH-CLAIM-${String(n).padStart(6, "0")}`;
      data.keys.push({
        productId: data.productId,
        id: 600_000 + n,
        key,
        created: "2025-01-10T00:00:00",
        expires: "2035-01-10T00:00:00",
        period: 3652,
        f1: false,
        f2: false,
        f3: true,
        f4: false,
        f5: false,
        f6: false,
        f7: false,
        f8: false,
        notes: "bench claim pool",
        block: false,
        globalId: 700_000 + n,
        customerId: null,
        maxNoOfMachines: 1,
        activatedMachines: [],
        dataObjects: [],
      });
      keys.push(key);
    }
    return keys;
  };

  const control = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
    };
    req.resume();
    const route = `${req.method} ${url.pathname}`;
    if (route === "GET /world") return send(200, world);
    if (route === "GET /calls") return send(200, calls(url.searchParams.get("records") === "1"));
    if (route === "POST /calls/reset") {
      for (const sim of Object.values(sims)) sim.calls.reset();
      return send(200, { reset: true });
    }
    if (route === "POST /eniris-token") {
      const sim = enirisSims[url.searchParams.get("source") ?? ""];
      const ttlS = Number(url.searchParams.get("ttlS"));
      if (!sim) return send(404, { error: `no Eniris source ${url.searchParams.get("source")}` });
      if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > 7 * 24 * 3600)
        return send(400, { error: `ttlS must be 1..604800, got ${url.searchParams.get("ttlS")}` });
      return send(200, { token: sim.issueAccessToken(ttlS * 1000) });
    }
    if (route === "POST /claim-pool") {
      const count = Number(url.searchParams.get("count"));
      if (!Number.isInteger(count) || count < 1 || count > 10_000)
        return send(400, { error: `count must be 1..10000, got ${url.searchParams.get("count")}` });
      return send(200, { keys: addClaimKeys(count) });
    }
    return send(404, { error: `no route ${route}` });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  const { port } = control.address() as AddressInfo;

  exitWhenStdinCloses(async () => {
    control.closeAllConnections();
    control.close();
    await vendors.close();
  });
  announce({ controlUrl: `http://127.0.0.1:${port}` } satisfies VendorsReady);
}

main().catch(failStart);
