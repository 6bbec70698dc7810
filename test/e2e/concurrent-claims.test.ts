import { beforeAll, describe, expect, it } from "vitest";
import { deterministicUuid } from "../../src/simulators/deterministic-uuid.js";
import { useTestGateway } from "../support/gateway.js";

// Fifty writes queue behind the source's connection pool; on a busy machine the last ones wait a while, and a
// timeout here would only measure the machine, not the race.
const t = useTestGateway({ sourceOverrides: { sofar: { timeoutMs: 20_000 }, cryptolens: { timeoutMs: 20_000 } } });
const WAYS = 50;
const nodes = Array.from({ length: WAYS }, (_, i) => `race-ctrl-${String(i).padStart(2, "0")}`);

const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { nodeId } errors { code } } }`;

beforeAll(() => {
  // Fifty controllers every vendor knows: registered at Sofar (its device registry) and claimable locally.
  for (const nodeId of nodes) {
    t.vendors.sofar.data.controllers.push({
      deviceId: deterministicUuid(`race:${nodeId}`),
      nodeId,
      name: nodeId,
      serialNumber: `RACE-${nodeId}`,
      lastUpdate: "2025-01-01T00:00:00Z",
    });
  }
});

async function race(source: string, key: string) {
  const results = await Promise.all(nodes.map((nodeId) => t.gql(CLAIM, { input: { source, key, nodeId } })));
  for (const r of results) expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
  const payloads = results.map((r) => r.body.data.claimLicense);
  const winners = payloads.filter((p) => p.errors.length === 0).map((p) => p.datalink.nodeId);
  const losers = payloads.filter((p) => p.errors.length > 0).map((p) => p.errors[0].code);
  return { winners, losers };
}

describe(`${WAYS} concurrent claims of one license for ${WAYS} different controllers`, { timeout: 60_000 }, () => {
  it("local store: exactly one wins, the others get LICENSE_ALREADY_CLAIMED, and the store holds only the winner", async () => {
    const issued = await t.gql(
      `mutation { issueLicense(input: { customerId: "demo-customer-1", durationMonths: 12 }) { key externalId } }`,
    );
    const { key, externalId } = issued.body.data.issueLicense;
    for (const nodeId of nodes) await t.gateway.store.controllers.upsert({ nodeId });
    const { winners, losers } = await race("local", key);
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array(WAYS - 1).fill("LICENSE_ALREADY_CLAIMED"));
    expect((await t.gateway.store.claims.ofLicenses("local", [externalId])).map((c) => c.nodeId)).toEqual(winners);
  });

  it("Eniris (simulator): exactly one wins, and the gateway's record agrees with the vendor's", async () => {
    const sofar = t.vendors.sofar.data;
    const key = sofar.examples.inactiveUnclaimedKey;
    const license = sofar.licenses.find((l) => l.key === key)!;
    const { winners, losers } = await race("sofar", key);
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array(WAYS - 1).fill("LICENSE_ALREADY_CLAIMED"));
    // The vendor linked the license to the winner only...
    expect(sofar.datalinks.filter((d) => d.licenseId === license.id).map((d) => d.nodeId)).toEqual(winners);
    // ...and the gateway remembers the same, once.
    expect((await t.gateway.store.claims.ofLicenses("sofar", [license.id])).map((c) => c.nodeId)).toEqual(winners);
  });

  it("Cryptolens (simulator), a key for one machine: exactly one wins, the others get LICENSE_CLAIM_LIMIT_REACHED", async () => {
    const cl = t.vendors.cryptolens.data;
    const key = cl.examples.activeUnactivatedKey;
    const { winners, losers } = await race("cryptolens", key);
    expect(winners).toHaveLength(1);
    expect(losers).toEqual(Array(WAYS - 1).fill("LICENSE_CLAIM_LIMIT_REACHED"));
    expect(cl.keys.find((k) => k.key === key)!.activatedMachines.map((m) => m.mid)).toEqual(winners);
    expect((await t.gateway.store.claims.ofLicenses("cryptolens", [key])).map((c) => c.nodeId)).toEqual(winners);
  });
});
