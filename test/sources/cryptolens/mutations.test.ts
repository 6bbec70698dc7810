import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACTIVATE_NOTE } from "../../../src/sources/cryptolens/source.js";
import { startCryptolensSimulator, type CryptolensSimulator } from "../../../src/simulators/cryptolens/server.js";
import { SOURCE_ID, callLog, closeSources, expectGatewayError, methodCalls, rawKey, rejectionOf, sourceFor, utc } from "./support.js";

/** activate, claim and release against the simulator's live data. */

let sim: CryptolensSimulator;

beforeAll(async () => {
  sim = await startCryptolensSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});
afterEach(async () => {
  await closeSources();
});

const ex = () => sim.data.examples;
const machinesOf = (key: string) => rawKey(sim, key).activatedMachines.map((m) => m.mid);

describe("activate", () => {
  it("changes nothing: returns the key as it stands, with a note, through key/GetKey only", async () => {
    const key = ex().activeUnactivatedKey;
    const before = structuredClone(rawKey(sim, key));
    const license = await sourceFor(sim).activate({ key, activationIso: new Date("2030-01-01T00:00:00Z") });
    expect(license).toMatchObject({
      source: SOURCE_ID,
      externalId: key,
      key,
      status: "ACTIVE",
      activatedAt: utc(before.created),
      note: ACTIVATE_NOTE,
    });
    expect(ACTIVATE_NOTE).toBe("Cryptolens keys are active from creation; nothing was changed.");
    expect(rawKey(sim, key)).toEqual(before);
    expect(callLog(sim)).toEqual(["POST /api/key/GetKey 200"]);
  });

  it("an expired key is returned EXPIRED, unchanged", async () => {
    expect(await sourceFor(sim).activate({ key: ex().expiredKey })).toMatchObject({ status: "EXPIRED", note: ACTIVATE_NOTE });
  });

  it("an unknown key is NOT_FOUND on the key field", async () => {
    const error = expectGatewayError(await rejectionOf(sourceFor(sim).activate({ key: "NOSUC-HKEYX-XXXXX-XXXXX" })), "NOT_FOUND");
    expect(error.field).toEqual(["input", "key"]);
  });

  it("a blocked key is LICENSE_BLOCKED", async () => {
    const error = expectGatewayError(await rejectionOf(sourceFor(sim).activate({ key: ex().blockedKey })), "LICENSE_BLOCKED");
    expect(error.field).toEqual(["input", "key"]);
  });

  it("an empty key is BAD_USER_INPUT and nothing is sent", async () => {
    expectGatewayError(await rejectionOf(sourceFor(sim).activate({ key: " " })), "BAD_USER_INPUT");
    expect(sim.calls.count()).toBe(0);
  });
});

describe("claim", () => {
  it("activates the controller's nodeId as MachineCode and returns the license from the answer", async () => {
    const key = ex().activeUnactivatedKey;
    const nodeId = ex().controllerWithoutKeyNodeId;
    const source = sourceFor(sim);
    const before = Date.now();
    const outcome = await source.claim({ key, nodeId });
    expect(outcome).toMatchObject({ licenseExternalId: key, key, nodeId, vendorDatalinkId: null });
    expect(machinesOf(key)).toEqual([nodeId]);
    expect(outcome.license).toMatchObject({ externalId: key, status: "ACTIVE", maxControllers: 1 });
    const [link] = outcome.license!.datalinks!;
    expect(link).toMatchObject({ id: `${SOURCE_ID}:dl:${key}@${nodeId}`, nodeId, vendorId: null, licenseExternalId: key });
    expect(link!.createdAt!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    // The answer carried the key: no re-read.
    expect(callLog(sim)).toEqual(["POST /api/key/Activate 200"]);
    // The vendor now lists the link too.
    expect((await source.findLicense({ key }))!.datalinks!.map((d) => d.nodeId)).toEqual([nodeId]);
  });

  it("a key with a free slot gains one more machine", async () => {
    const key = ex().activeKeyWithFreeSlot;
    const nodeId = ex().controllerWithoutKeyNodeId;
    const outcome = await sourceFor(sim).claim({ key, nodeId });
    expect(outcome.license!.datalinks!.map((d) => d.nodeId)).toEqual(machinesOf(key));
    expect(machinesOf(key)).toHaveLength(3);
    expect(machinesOf(key).at(-1)).toBe(nodeId);
  });

  it("claiming again for a machine already activated succeeds and adds nothing", async () => {
    const key = ex().keyActivatedOnController;
    const nodeId = ex().controllerWithKeyNodeId;
    const before = machinesOf(key);
    const outcome = await sourceFor(sim).claim({ key, nodeId });
    expect(outcome.license!.datalinks!.map((d) => d.nodeId)).toEqual(before);
    expect(machinesOf(key)).toEqual(before);
  });

  it("a key at its machine limit is LICENSE_CLAIM_LIMIT_REACHED and nothing changes", async () => {
    const key = ex().keyAtMachineLimit;
    const before = machinesOf(key);
    const source = sourceFor(sim);
    const error = expectGatewayError(
      await rejectionOf(source.claim({ key, nodeId: ex().controllerWithoutKeyNodeId })),
      "LICENSE_CLAIM_LIMIT_REACHED",
    );
    expect(error.field).toEqual(["input", "key"]);
    expect(machinesOf(key)).toEqual(before);
    // A domain answer: the vendor is fine.
    expect(source.health().state).toBe("ok");
  });

  it("a blocked key is LICENSE_BLOCKED", async () => {
    const error = expectGatewayError(
      await rejectionOf(sourceFor(sim).claim({ key: ex().blockedKey, nodeId: ex().controllerWithoutKeyNodeId })),
      "LICENSE_BLOCKED",
    );
    expect(error.field).toEqual(["input", "key"]);
  });

  it("an unknown key is NOT_FOUND on the key field", async () => {
    const error = expectGatewayError(
      await rejectionOf(sourceFor(sim).claim({ key: "NOSUC-HKEYX-XXXXX-XXXXX", nodeId: ex().controllerWithoutKeyNodeId })),
      "NOT_FOUND",
    );
    expect(error.field).toEqual(["input", "key"]);
    expect(error.message).toContain("NOSUC-HKEYX-XXXXX-XXXXX");
  });

  it("an empty nodeId is BAD_USER_INPUT on the nodeId field and nothing is sent", async () => {
    const error = expectGatewayError(
      await rejectionOf(sourceFor(sim).claim({ key: ex().activeUnactivatedKey, nodeId: "" })),
      "BAD_USER_INPUT",
    );
    expect(error.field).toEqual(["input", "nodeId"]);
    expect(sim.calls.count()).toBe(0);
  });

  it("a success whose licenseKey cannot be read is still a claim, with the license null", async () => {
    const key = ex().activeUnactivatedKey;
    sim.fault({ path: /activate$/i, kind: "status", status: 200, body: { result: 0, message: "", licenseKey: { key } } });
    const outcome = await sourceFor(sim).claim({ key, nodeId: ex().controllerWithoutKeyNodeId });
    expect(outcome).toEqual({
      licenseExternalId: key,
      key,
      nodeId: ex().controllerWithoutKeyNodeId,
      license: null,
      vendorDatalinkId: null,
    });
  });

  it("is never retried: after a 500 the vendor saw exactly one key/Activate", async () => {
    sim.fault({ path: /activate$/i, kind: "status", status: 500 });
    const source = sourceFor(sim);
    expectGatewayError(
      await rejectionOf(source.claim({ key: ex().activeUnactivatedKey, nodeId: ex().controllerWithoutKeyNodeId })),
      "UPSTREAM_UNAVAILABLE",
    );
    expect(methodCalls(sim, "key/Activate")).toBe(1);
    expect(sim.calls.count()).toBe(1);
  });

  it("is never retried after a timeout either (the machine may have been added)", async () => {
    sim.fault({ path: /activate$/i, kind: "timeout" });
    const source = sourceFor(sim, { timeoutMs: 200 });
    expectGatewayError(
      await rejectionOf(source.claim({ key: ex().activeUnactivatedKey, nodeId: ex().controllerWithoutKeyNodeId })),
      "UPSTREAM_TIMEOUT",
    );
    expect(methodCalls(sim, "key/Activate")).toBe(1);
  });
});

describe("release", () => {
  it("deactivates the controller's machine code, then returns the key as it now stands", async () => {
    const key = ex().keyActivatedOnController;
    const nodeId = ex().controllerWithKeyNodeId;
    const others = machinesOf(key).filter((m) => m !== nodeId);
    const license = await sourceFor(sim).release({ key, nodeId });
    expect(machinesOf(key)).toEqual(others);
    expect(license).toMatchObject({ externalId: key, status: "ACTIVE" });
    expect(license!.datalinks!.map((d) => d.nodeId)).toEqual(others);
    expect(callLog(sim)).toEqual(["POST /api/key/Deactivate 200", "POST /api/key/GetKey 200"]);
  });

  it("a claim then its release leave the key as it was", async () => {
    const key = ex().activeUnactivatedKey;
    const nodeId = ex().controllerWithoutKeyNodeId;
    const source = sourceFor(sim);
    await source.claim({ key, nodeId });
    const license = await source.release({ key, nodeId });
    expect(license!.datalinks).toEqual([]);
    expect(machinesOf(key)).toEqual([]);
  });

  it("a failed re-read does not fail the release: the license is null", async () => {
    const key = ex().keyActivatedOnController;
    const nodeId = ex().controllerWithKeyNodeId;
    sim.fault({ path: /getkey$/i, kind: "status", status: 503 });
    expect(await sourceFor(sim).release({ key, nodeId })).toBeNull();
    expect(machinesOf(key)).not.toContain(nodeId);
  });

  it("an unknown key is NOT_FOUND; a blocked key is LICENSE_BLOCKED; no re-read after a refusal", async () => {
    const source = sourceFor(sim);
    const nodeId = ex().controllerWithKeyNodeId;
    expectGatewayError(await rejectionOf(source.release({ key: "NOSUC-HKEYX-XXXXX-XXXXX", nodeId })), "NOT_FOUND");
    expectGatewayError(await rejectionOf(source.release({ key: ex().blockedKey, nodeId })), "LICENSE_BLOCKED");
    expect(methodCalls(sim, "key/GetKey")).toBe(0);
  });

  it("a 500 on key/Deactivate is UPSTREAM_UNAVAILABLE and the machine stays", async () => {
    const key = ex().keyActivatedOnController;
    const nodeId = ex().controllerWithKeyNodeId;
    sim.fault({ path: /deactivate$/i, kind: "status", status: 500 });
    expectGatewayError(await rejectionOf(sourceFor(sim).release({ key, nodeId })), "UPSTREAM_UNAVAILABLE");
    expect(machinesOf(key)).toContain(nodeId);
  });
});
