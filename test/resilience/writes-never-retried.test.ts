import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sourceConfigSchema, type SourceConfig, type SourceConfigInput } from "../../src/config/schema.js";
import type { CryptolensSourceConfig } from "../../src/sources/cryptolens/config.js";
import type { CustomerareaSourceConfig } from "../../src/sources/customerarea/config.js";
import type { EnirisSourceConfig } from "../../src/sources/eniris/config.js";
import type { EsmartSourceConfig } from "../../src/sources/esmart/config.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { CryptolensSource } from "../../src/sources/cryptolens/source.js";
import { CustomerareaSource } from "../../src/sources/customerarea/source.js";
import { EnirisSource } from "../../src/sources/eniris/source.js";
import { EsmartSource } from "../../src/sources/esmart/source.js";

/**
 * Writes are never retried, however generous the retry settings: each write below meets each transient failure
 * (the ones a read is retried after) and the simulator counts exactly one request. A control shows the same
 * settings do retry a read of the same source.
 */

// Retries on, five of them, a budget that never runs out, and a circuit that never opens.
const GENEROUS = { retries: 5, retryBaseMs: 1, retryMaxMs: 50, retryBudgetRatio: 1, circuit: { volumeThreshold: 1_000_000 } };

let vendors: DemoVendors;
let sources: { sofar: EnirisSource; cryptolens: CryptolensSource; flashstart: CustomerareaSource; esmart: EsmartSource };

function configOf<C extends SourceConfig>(input: SourceConfigInput | undefined): C {
  return sourceConfigSchema.parse({ ...input, timeoutMs: 300, resilience: GENEROUS }) as C;
}

beforeAll(async () => {
  vendors = await startDemoVendors();
  const c = vendors.sources;
  sources = {
    sofar: new EnirisSource("sofar", configOf<EnirisSourceConfig>(c.sofar)),
    cryptolens: new CryptolensSource("cryptolens", configOf<CryptolensSourceConfig>(c.cryptolens)),
    flashstart: new CustomerareaSource("flashstart", configOf<CustomerareaSourceConfig>(c.flashstart)),
    esmart: new EsmartSource("esmart", configOf<EsmartSourceConfig>(c.esmart)),
  };
  // A token first, so the counts below are the write's alone.
  await sources.sofar.licensesOfAccounts([vendors.sofar.data.examples.customerWithLicensesId]);
});
afterAll(async () => {
  await Promise.all(Object.values(sources ?? {}).map((s) => s.close()));
  await vendors?.close();
});

type Transient = { kind: "status"; status: number; headers?: Record<string, string> } | { kind: "reset" } | { kind: "timeout" };

/** What this file needs of any simulator (method shorthand: each simulator's own FaultRule accepts these rules). */
interface Sim {
  fault(rule: Transient & { method: string; path: RegExp }): void;
  clearFaults(): void;
  calls: { reset(): void; count(filter?: { path?: RegExp; method?: string }): number };
}

const TRANSIENT: Array<[string, Transient]> = [
  ["a 500", { kind: "status", status: 500 }],
  ["a 503 with Retry-After: 0", { kind: "status", status: 503, headers: { "retry-after": "0" } }],
  ["a 429 with Retry-After: 0", { kind: "status", status: 429, headers: { "retry-after": "0" } }],
  ["a reset connection", { kind: "reset" }],
  ["no answer (timeout)", { kind: "timeout" }],
];

interface Write {
  name: string;
  sim: () => Sim;
  /** Matches the write's request, and only it. */
  request: { path: RegExp; method: string };
  send: () => Promise<unknown>;
}

const WRITES: Write[] = [
  {
    name: "Eniris activate",
    sim: () => vendors.sofar,
    request: { method: "POST", path: /\/v1\/license\/activate$/ },
    send: () => sources.sofar.activate({ key: vendors.sofar.data.examples.inactiveUnclaimedKey }),
  },
  {
    name: "Eniris claim",
    sim: () => vendors.sofar,
    request: { method: "POST", path: /\/v1\/license\/claim$/ },
    send: () =>
      sources.sofar.claim({
        key: vendors.sofar.data.examples.activeUnclaimedKey,
        nodeId: vendors.sofar.data.examples.controllerWithoutLicensesNodeId,
      }),
  },
  {
    name: "Cryptolens key/Activate (claim)",
    sim: () => vendors.cryptolens,
    request: { method: "POST", path: /key\/Activate$/ },
    send: () => sources.cryptolens.claim({ key: vendors.cryptolens.data.examples.activeUnactivatedKey, nodeId: "node-resilience" }),
  },
  {
    name: "Cryptolens key/Deactivate (release)",
    sim: () => vendors.cryptolens,
    request: { method: "POST", path: /key\/Deactivate$/ },
    send: () => sources.cryptolens.release({ key: vendors.cryptolens.data.examples.activeKeyWithFreeSlot, nodeId: "node-resilience" }),
  },
  {
    name: "Customerarea licenses/demo",
    sim: () => vendors.flashstart,
    request: { method: "POST", path: /licenses\/demo$/ },
    send: () => sources.flashstart.catalogue.assignDemo(String(vendors.flashstart.data.examples.customerWithoutLicencesCode), {}),
  },
  {
    name: "Customerarea licenses/bulk",
    sim: () => vendors.flashstart,
    request: { method: "POST", path: /licenses\/bulk$/ },
    send: () =>
      sources.flashstart.catalogue.assignOffer(String(vendors.flashstart.data.examples.customerWithoutLicencesCode), {
        offerCode: vendors.flashstart.data.catalogue[0]!.code,
        info: "HQ",
      }),
  },
  {
    name: "Customerarea licenses/renew",
    sim: () => vendors.flashstart,
    request: { method: "POST", path: /licenses\/renew$/ },
    send: () =>
      sources.flashstart.catalogue.renew(
        String(vendors.flashstart.data.examples.customerWithLicencesCode),
        String(vendors.flashstart.data.examples.activeLicenceId),
      ),
  },
  {
    name: "Customerarea licenses/delete (cancel)",
    sim: () => vendors.flashstart,
    request: { method: "POST", path: /licenses\/delete$/ },
    send: () =>
      sources.flashstart.catalogue.cancel(
        String(vendors.flashstart.data.examples.customerWithLicencesCode),
        String(vendors.flashstart.data.examples.activeLicenceId),
      ),
  },
  {
    name: "eSmart contact PATCH",
    sim: () => vendors.esmart,
    request: { method: "PATCH", path: /^\/api\/customers\// },
    send: () => sources.esmart.directory.updateContact(vendors.esmart.data.examples.powerOnlyCustomerId, { email: "new@example.com" }),
  },
];

beforeEach(() => {
  for (const sim of [vendors.sofar, vendors.cryptolens, vendors.flashstart, vendors.esmart]) {
    sim.clearFaults();
    sim.calls.reset();
  }
});

describe("a write meeting a transient failure is sent exactly once", () => {
  const cases = WRITES.flatMap((write) => TRANSIENT.map(([what, fault]) => ({ write, what, fault })));
  it.each(cases)("$write.name after $what", async ({ write, fault }) => {
    const sim = write.sim();
    sim.fault({ ...fault, ...write.request });
    const outcome = await write.send().then(
      () => "resolved",
      (error: { code?: string }) => error.code,
    );
    expect(outcome).toMatch(/^UPSTREAM_/);
    expect(sim.calls.count(write.request)).toBe(1);
  });
});

describe("control: the same settings retry a read", () => {
  it("an Eniris license list answered 500 is sent 1 + 5 times", async () => {
    vendors.sofar.fault({ server: "api", kind: "status", status: 500, path: /\/v1\/license\/customer\// });
    const [result] = await sources.sofar.licensesOfAccounts([vendors.sofar.data.examples.customerWithLicensesId]);
    expect(result).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
    expect(vendors.sofar.calls.count({ path: /\/v1\/license\/customer\// })).toBe(6);
  });

  it("the Eniris device query (a POST that reads, flagged idempotent) is retried", async () => {
    vendors.sofar.fault({ server: "api", kind: "status", status: 503, path: /\/v1\/device\/query$/, times: 2 });
    const [result] = await sources.sofar.controllers([vendors.sofar.data.examples.controllerWithoutLicensesNodeId]);
    expect(result).not.toBeInstanceOf(Error);
    expect(vendors.sofar.calls.count({ path: /\/v1\/device\/query$/ })).toBe(3);
  });

  it("Cryptolens key/GetKey (a POST that reads, flagged idempotent) is retried", async () => {
    vendors.cryptolens.fault({ kind: "reset", path: /key\/GetKey$/, times: 1 });
    const license = await sources.cryptolens.findLicense({ key: vendors.cryptolens.data.examples.activeKeyWithFreeSlot });
    expect(license?.key).toBe(vendors.cryptolens.data.examples.activeKeyWithFreeSlot);
    expect(vendors.cryptolens.calls.count({ path: /key\/GetKey$/ })).toBe(2);
  });
});
