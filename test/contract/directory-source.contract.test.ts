import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FieldProblemsError } from "../../src/errors/gateway-error.js";
import type { DirectoryApi, LicenseSource } from "../../src/sources/source.js";
import { batch, expectEveryProbeFails, expectFailure, type Probe } from "./assertions.js";
import { directoryFixtures, SHORT_TIMEOUT_MS, SLOW_LATENCY_MS, type Harness } from "./fixtures.js";

/**
 * The directory contract (customer profiles and controller hardware, eSmart today), the same assertions for every
 * directory source against its simulator: profiles by account, hardware by serial, contact rules checked before
 * any call, auth failure, malformed body, server error, slow answer, health.
 */

const GAVE_UP_WITHIN_MS = 3_000;

describe.each(directoryFixtures)("directory source contract: $name", (fixture) => {
  let h: Harness;
  const ex = fixture.examples;

  beforeAll(async () => {
    h = await fixture.start();
  });
  afterAll(async () => {
    await h.sim.close();
  });
  afterEach(async () => {
    await h.closeSources();
    h.sim.reset();
  });

  const directoryOf = (source: LicenseSource): DirectoryApi => {
    if (!source.directory) throw new Error(`${source.id} has no directory`);
    return source.directory;
  };

  /** Every directory read, each with a known and an unknown key. */
  function reads(source: LicenseSource): Probe[] {
    const directory = directoryOf(source);
    return [
      batch("profiles", () => directory.profiles([ex.account, ex.unknownAccount])),
      batch("hardware", () => directory.hardware([ex.serialNumber, ex.unknownSerialNumber])),
    ];
  }

  /** A successful read first, so that a fault hits the call under test. */
  async function warmedUp(): Promise<LicenseSource> {
    const source = h.source();
    const [profile] = await directoryOf(source).profiles([ex.account]);
    expect(profile, "warm-up profile").toMatchObject({ externalId: ex.account });
    return source;
  }

  it("has a directory and none of the license capabilities (the federation does not ask it for licenses)", () => {
    const source = h.source();
    expect(source.id).toBe(fixture.sourceId);
    expect(source.directory).toBeDefined();
    for (const capability of [
      "licensesOfAccounts",
      "licensesOfControllers",
      "controllers",
      "findLicense",
      "activate",
      "claim",
      "release",
    ] as const) {
      expect(source[capability], capability).toBeUndefined();
    }
    expect(source.validateAccountId?.(ex.account) ?? null).toBeNull();
    expect(source.validateAccountId?.(ex.unknownAccount) ?? null).toBeNull();
  });

  describe("profiles by account", () => {
    it("profiles([known, unknown]): one slot per key in order, the known one's profile, null for the unknown", async () => {
      const directory = directoryOf(h.source());
      const slots = await directory.profiles([ex.account, ex.unknownAccount]);
      expect(slots).toHaveLength(2);
      expect(slots[0]).toMatchObject({ source: fixture.sourceId, externalId: ex.account });
      expect(slots[1]).toBeNull();
      // Order follows the keys.
      const reversed = await directory.profiles([ex.unknownAccount, ex.account]);
      expect(reversed).toEqual([null, slots[0]]);
    });

    it("one failing account does not fail its neighbour", async () => {
      const directory = directoryOf(h.source());
      // One spoiled answer: whichever of the two arrives first fails, the other is served. A malformed body, not a
      // 500: a 500 on a read is retried, and the retry would be served.
      h.sim.fault({ kind: "malformed", times: 1 });
      const slots = await directory.profiles([ex.account, ex.account]);
      expect(slots).toHaveLength(2);
      const failed = slots.filter((s) => s instanceof Error);
      expect(failed).toHaveLength(1);
      expectFailure(failed[0], "UPSTREAM_BAD_RESPONSE", fixture.sourceId, h.secrets, "spoiled slot");
      expect(slots.find((s) => !(s instanceof Error))).toMatchObject({ externalId: ex.account });
    });
  });

  describe("hardware by serial number", () => {
    it("hardware([known, unknown]): the known serial's hardware with a devices array, null for the unknown", async () => {
      const directory = directoryOf(h.source());
      const slots = await directory.hardware([ex.serialNumber, ex.unknownSerialNumber]);
      expect(slots).toHaveLength(2);
      expect(slots[0]).toMatchObject({ source: fixture.sourceId, serialNumber: ex.serialNumber });
      const hardware = slots[0] as { devices: unknown; lastSeenAt: unknown };
      expect(Array.isArray(hardware.devices)).toBe(true);
      expect((hardware.devices as unknown[]).length).toBeGreaterThan(0);
      expect(hardware.lastSeenAt === null || (hardware.lastSeenAt instanceof Date && Number.isFinite(hardware.lastSeenAt.getTime()))).toBe(
        true,
      );
      expect(slots[1]).toBeNull();
    });
  });

  describe("contact validation", () => {
    it("accepts the good patch, and updating with it does reach the vendor (so the call count below means something)", async () => {
      const directory = directoryOf(h.source());
      expect(directory.validateContact(ex.goodContact)).toEqual([]);
      const before = h.sim.calls.count();
      const profile = await directory.updateContact(ex.account, ex.goodContact);
      expect(profile).toMatchObject({ externalId: ex.account });
      expect(h.sim.calls.count()).toBeGreaterThan(before);
    });

    for (const bad of ex.badContacts) {
      it(`rejects ${bad.what} on ${bad.field.join(".")} without any upstream call`, async () => {
        const directory = directoryOf(h.source());
        const problems = directory.validateContact(bad.patch);
        expect(problems.map((p) => p.field)).toContainEqual(bad.field);
        const error = await directory.updateContact(ex.account, bad.patch).then(
          (value) => ({ resolved: value }),
          (e: unknown) => e,
        );
        expectFailure(error, "BAD_USER_INPUT", fixture.sourceId, h.secrets, "updateContact");
        expect(error).toBeInstanceOf(FieldProblemsError);
        expect((error as FieldProblemsError).problems).toEqual(problems);
        expect(h.sim.calls.count()).toBe(0);
      });
    }
  });

  describe("failures", () => {
    it("auth failure: every read with refused credentials is UPSTREAM_UNAUTHENTICATED with the source, and no error shows a credential", async () => {
      const source = h.badSource();
      const directory = directoryOf(source);
      const probes = [
        ...reads(source),
        batch("updateContact", () =>
          directory.updateContact(ex.account, ex.goodContact).then(
            (v) => [v],
            (e: unknown) => [e],
          ),
        ),
      ];
      const slots = await expectEveryProbeFails(probes, "UPSTREAM_UNAUTHENTICATED", fixture.sourceId, h.secrets);
      expect(slots).toBe(5);
      expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAUTHENTICATED" });
    });

    it("malformed body: every read is UPSTREAM_BAD_RESPONSE", async () => {
      const source = await warmedUp();
      h.sim.fault({ kind: "malformed" });
      await expectEveryProbeFails(reads(source), "UPSTREAM_BAD_RESPONSE", fixture.sourceId, h.secrets);
    });

    it("server error 500: every read is UPSTREAM_UNAVAILABLE", async () => {
      const source = await warmedUp();
      h.sim.fault({ kind: "status", status: 500 });
      await expectEveryProbeFails(reads(source), "UPSTREAM_UNAVAILABLE", fixture.sourceId, h.secrets);
    });

    it(`slow answer (latency ${SLOW_LATENCY_MS} ms > timeoutMs ${SHORT_TIMEOUT_MS}): every read is UPSTREAM_TIMEOUT, in time`, async () => {
      const source = await warmedUp();
      h.sim.setLatency(SLOW_LATENCY_MS);
      const started = performance.now();
      await expectEveryProbeFails(reads(source), "UPSTREAM_TIMEOUT", fixture.sourceId, h.secrets);
      expect(performance.now() - started).toBeLessThan(GAVE_UP_WITHIN_MS);
    });

    it("no answer at all (timeout fault): every read is UPSTREAM_TIMEOUT, in time", async () => {
      const source = await warmedUp();
      h.sim.fault({ kind: "timeout" });
      const started = performance.now();
      await expectEveryProbeFails(reads(source), "UPSTREAM_TIMEOUT", fixture.sourceId, h.secrets);
      expect(performance.now() - started).toBeLessThan(GAVE_UP_WITHIN_MS);
    });
  });

  describe("health()", () => {
    it("unknown before any call, failing with the last code after a 500, ok after a success", async () => {
      const source = h.source();
      const directory = directoryOf(source);
      expect(source.health()).toMatchObject({ state: "unknown", lastErrorCode: null, lastErrorAt: null, lastSuccessAt: null });

      h.sim.fault({ kind: "status", status: 500 });
      const [failed] = await directory.profiles([ex.account]);
      expect(failed).toBeInstanceOf(Error);
      expect(source.health()).toMatchObject({ state: "failing", lastErrorCode: "UPSTREAM_UNAVAILABLE", lastErrorAt: expect.any(Date) });

      h.sim.clearFaults();
      const [profile] = await directory.profiles([ex.account]);
      expect(profile).toMatchObject({ externalId: ex.account });
      expect(source.health()).toMatchObject({ state: "ok", lastSuccessAt: expect.any(Date) });
    });

    it("an unknown account (null) is the vendor answering: the source is ok", async () => {
      const source = h.source();
      h.sim.fault({ kind: "status", status: 500 });
      await directoryOf(source).profiles([ex.account]);
      expect(source.health().state).toBe("failing");
      h.sim.clearFaults();
      expect(await directoryOf(source).profiles([ex.unknownAccount])).toEqual([null]);
      expect(source.health().state).toBe("ok");
    });
  });
});
