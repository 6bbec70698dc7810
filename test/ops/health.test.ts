import { describe, expect, it } from "vitest";
import { readinessCheck } from "../../src/server/health.js";
import { openDb } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrate.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * /healthz and /readyz through the real server. Every vendor's circuit opens at its first failure and stays open
 * for the file, and nothing is cached, so the "no usable source" case can be produced with the simulators' faults.
 */
const VENDORS = ["sofar", "smartgridone", "cryptolens", "flashstart", "esmart"] as const;
const resilience = { retries: 0, circuit: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeoutMs: 600_000 } };
const t = useTestGateway({ sourceOverrides: Object.fromEntries(VENDORS.map((id) => [id, { resilience, cache: { ttlMs: 0 } }])) });
const NEWEST = MIGRATIONS.at(-1)!.version;

async function probe(path: "/healthz" | "/readyz") {
  const res = await fetch(new URL(path, t.gateway.url));
  return { status: res.status, body: (await res.json()) as any };
}

/** Reads every vendor: licenses from the four license sources, profiles from eSmart. */
async function readEverySource() {
  await t.gql("{ customers { edges { node { licenses { key } profile { name } } } } }");
}

describe("/healthz", () => {
  it("says the process is alive", async () => {
    expect(await probe("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
  });
});

describe("/readyz", () => {
  it("is 200 with each check's result when the store answers, migrations are complete and sources are usable", async () => {
    expect(await probe("/readyz")).toEqual({
      status: 200,
      body: {
        status: "ready",
        checks: {
          store: { ok: true },
          migrations: { ok: true, applied: NEWEST, expected: NEWEST },
          sources: { ok: true, circuits: Object.fromEntries(VENDORS.map((id) => [id, "closed"])) },
        },
      },
    });
  });

  it("is 503 while the store's newest migration is missing (a database not yet migrated for this version)", async () => {
    const db = t.gateway.store.db;
    const [row] = await db.query<{ name: string }>("select name from schema_migrations where version = $1", [NEWEST]);
    await db.query("delete from schema_migrations where version = $1", [NEWEST]);
    try {
      const notReady = await probe("/readyz");
      expect(notReady.status).toBe(503);
      expect(notReady.body.status).toBe("not ready");
      expect(notReady.body.checks.migrations).toEqual({ ok: false, applied: NEWEST - 1, expected: NEWEST });
      expect(notReady.body.checks.store).toEqual({ ok: true });
    } finally {
      await db.query("insert into schema_migrations (version, name) values ($1, $2)", [NEWEST, row!.name]);
    }
    expect((await probe("/readyz")).status).toBe(200);
  });

  it("stays 200 on a database ahead of the code (an old replica during a rolling upgrade)", async () => {
    const db = t.gateway.store.db;
    await db.query("insert into schema_migrations (version, name) values ($1, 'from_a_newer_release')", [NEWEST + 1]);
    try {
      const ready = await probe("/readyz");
      expect(ready.status).toBe(200);
      expect(ready.body.checks.migrations).toEqual({ ok: true, applied: NEWEST + 1, expected: NEWEST });
    } finally {
      await db.query("delete from schema_migrations where version = $1", [NEWEST + 1]);
    }
  });

  it("stays 200 while one source is usable, and is 503 once every vendor's circuit is open", async () => {
    for (const id of VENDORS.filter((v) => v !== "esmart")) t.vendors[id].fault({ kind: "status", status: 503 });
    await readEverySource();
    const oneLeft = await probe("/readyz");
    expect(oneLeft.status).toBe(200);
    expect(oneLeft.body.checks.sources).toEqual({
      ok: true,
      circuits: { sofar: "open", smartgridone: "open", cryptolens: "open", flashstart: "open", esmart: "closed" },
    });

    t.vendors.esmart.fault({ kind: "status", status: 503 });
    await readEverySource();
    const none = await probe("/readyz");
    expect(none.status).toBe(503);
    expect(none.body).toEqual({
      status: "not ready",
      checks: {
        store: { ok: true },
        migrations: { ok: true, applied: NEWEST, expected: NEWEST },
        sources: { ok: false, circuits: Object.fromEntries(VENDORS.map((id) => [id, "open"])) },
      },
    });
    // Still alive: an orchestrator must not restart a replica whose vendors are down.
    expect((await probe("/healthz")).status).toBe(200);
    t.resetCalls();
  });
});

describe("the readiness checks (health.ts) on a store that fails", () => {
  const noVendors = () => [];

  it("reports a store that refuses queries as unavailable, without its error message", async () => {
    const db = await openDb("memory://");
    await db.close();
    const readiness = await readinessCheck({ db, sources: noVendors })();
    expect(readiness).toEqual({
      ready: false,
      body: {
        status: "not ready",
        checks: {
          store: { ok: false, error: "unavailable" },
          migrations: { ok: false, reason: "store unavailable" },
          sources: { ok: true, circuits: {} },
        },
      },
    });
  });

  it("answers within about 2 s when the store hangs (a pg pool waits for a connection without limit)", async () => {
    const hanging = { query: () => new Promise<never>(() => {}) };
    const started = Date.now();
    const readiness = await readinessCheck({ db: hanging, sources: noVendors })();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(readiness.body.checks.store).toEqual({ ok: false, error: "timeout" });
    expect(readiness.ready).toBe(false);
  });
});
