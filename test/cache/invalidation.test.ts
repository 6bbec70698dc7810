import { describe, expect, it, vi } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { cacheStatus, cached, fresh, mutate, stillCached, type Read } from "./cache-helpers.js";

/**
 * A cache that never serves the wrong data: every mutation at a vendor, made through the gateway, is shown by the
 * very next read of the same document, whichever path that read takes to the changed data (by key, by id, under
 * the customer, under the controller, through a datalink). Each read is first answered twice, the second time
 * from the response cache, so the read after the change proves that nothing cached (the whole response, or the
 * vendor answers under it) still hides the change. The gateway's own records are in registry.test.ts.
 */
const t = useTestGateway();

const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { license { key status } errors { code } } }`;
const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { datalink { nodeId } errors { code } } }`;
const RELEASE = `mutation($input: ReleaseLicenseInput!) { releaseLicense(input: $input) { errors { code } } }`;

const byKey = (source: string, key: string): Read => ({
  query: `query($source: ID!, $key: String!) { licenseByKey(source: $source, key: $key) { key status activatedAt datalinks { nodeId controller { nodeId name } } } }`,
  variables: { source, key },
});
const byId = (id: string): Read => ({
  query: `query($id: ID!) { license(id: $id) { id status datalinks { nodeId controller { nodeId } } } }`,
  variables: { id },
});
const customerLicenses = (id: string, source: string): Read => ({
  query: `query($id: ID!, $source: ID) { customer(id: $id) { licenses(source: $source) { id key status datalinks { nodeId } } } }`,
  variables: { id, source },
});
const controller = (nodeId: string, source?: string): Read => ({
  query: `query($nodeId: ID!, $source: ID) { controller(nodeId: $nodeId) { licenses(source: $source) { key } datalinks { nodeId license { key } } } }`,
  variables: { nodeId, source: source ?? null },
});
/** The customers connection, another way to a customer's licenses. */
const everyonesLicenses = (source: string): Read => ({
  query: `query($source: ID) { customers(first: 50) { edges { node { id licenses(source: $source) { id status } } } } }`,
  variables: { source },
});

const keysOf = (licenses: Array<{ key: string }>) => licenses.map((l) => l.key);
const licenseOf = (licenses: Array<{ key: string }>, key: string): any => licenses.find((l) => l.key === key);
const nodeOf = (edges: Array<{ node: any }>, id: string): any => edges.find((e) => e.node.id === id)!.node;
/** Datalinks of a controller that lead to `key`: a controller may run licenses of other sources too. */
const linksTo = (datalinks: Array<{ nodeId: string; license: { key: string } }>, key: string) =>
  datalinks.filter((d) => d.license.key === key);

describe("a change at a vendor, made through the gateway, is shown by the next read of every path to it", () => {
  it("activating an Eniris license shows its new state by key, by id and in its customer's licenses", async () => {
    const sofar = t.vendors.sofar.data;
    const key = "SOFAR-COM-0002"; // demo-customer-1's, never activated
    const id = `sofar:${sofar.licenses.find((l) => l.key === key)!.id}`;
    const reads = [byKey("sofar", key), byId(id), customerLicenses("demo-customer-1", "sofar")];
    const [k, i, c] = [await cached(t, reads[0]!), await cached(t, reads[1]!), await cached(t, reads[2]!)];
    expect([k.licenseByKey.status, i.license.status, licenseOf(c.customer.licenses, key).status]).toEqual([
      "INACTIVE",
      "INACTIVE",
      "INACTIVE",
    ]);

    await mutate(t, ACTIVATE, { input: { source: "sofar", key } });

    const after = [await fresh(t, reads[0]!), await fresh(t, reads[1]!), await fresh(t, reads[2]!)];
    expect(after[0].licenseByKey).toMatchObject({ status: "ACTIVE", activatedAt: expect.any(String) });
    expect(after[1].license.status).toBe("ACTIVE");
    expect(licenseOf(after[2].customer.licenses, key).status).toBe("ACTIVE");
  });

  it("claiming an Eniris license shows the link on the license, under its customer and on the controller", async () => {
    const key = "SOFAR-RES-0004"; // demo-customer-3's, active, unclaimed
    const nodeId = "sofar-ctrl-004"; // the spare controller: no licenses yet
    const reads = [byKey("sofar", key), customerLicenses("demo-customer-3", "sofar"), controller(nodeId)];
    expect((await cached(t, reads[0]!)).licenseByKey.datalinks).toEqual([]);
    expect(licenseOf((await cached(t, reads[1]!)).customer.licenses, key).datalinks).toEqual([]);
    expect((await cached(t, reads[2]!)).controller).toEqual({ licenses: [], datalinks: [] });

    await mutate(t, CLAIM, { input: { source: "sofar", key, nodeId } });

    expect((await fresh(t, reads[0]!)).licenseByKey.datalinks).toEqual([
      { nodeId, controller: { nodeId, name: "Spare controller (stock)" } },
    ]);
    expect(licenseOf((await fresh(t, reads[1]!)).customer.licenses, key).datalinks).toEqual([{ nodeId }]);
    expect((await fresh(t, reads[2]!)).controller).toEqual({ licenses: [{ key }], datalinks: [{ nodeId, license: { key } }] });
  });

  it("claiming and then releasing a Cryptolens key shows the link, then its absence, by id, under its customer and on the controller", async () => {
    const key = t.vendors.cryptolens.data.examples.activeUnactivatedKey; // demo-customer-3's (Cryptolens 103)
    const nodeId = "sgo-ctrl-004";
    const reads = [byId(`cryptolens:${key}`), customerLicenses("demo-customer-3", "cryptolens"), controller(nodeId, "cryptolens")];
    const unlinked = async (read: (r: Read) => Promise<any>) => {
      expect((await read(reads[0]!)).license.datalinks).toEqual([]);
      expect(licenseOf((await read(reads[1]!)).customer.licenses, key).datalinks).toEqual([]);
      expect((await read(reads[2]!)).controller.licenses).toEqual([]);
    };
    await unlinked((r) => cached(t, r));

    await mutate(t, CLAIM, { input: { source: "cryptolens", key, nodeId } });

    expect((await fresh(t, reads[0]!)).license.datalinks).toEqual([{ nodeId, controller: { nodeId } }]);
    expect(licenseOf((await fresh(t, reads[1]!)).customer.licenses, key).datalinks).toEqual([{ nodeId }]);
    expect((await fresh(t, reads[2]!)).controller.licenses).toEqual([{ key }]);
    for (const read of reads) await cached(t, read);

    await mutate(t, RELEASE, { input: { source: "cryptolens", key, nodeId } });

    await unlinked((r) => fresh(t, r));
  });

  it("claiming and then releasing a Customerarea licence (a claim the gateway keeps) shows the link, then its absence", async () => {
    const licence = String(t.vendors.flashstart.data.examples.activeLicenceId); // demo-customer-1's
    const nodeId = "sgo-ctrl-005";
    const reads = [byId(`flashstart:${licence}`), customerLicenses("demo-customer-1", "flashstart"), controller(nodeId)];
    const unlinked = async (read: (r: Read) => Promise<any>) => {
      expect((await read(reads[0]!)).license.datalinks).toEqual([]);
      expect(licenseOf((await read(reads[1]!)).customer.licenses, licence).datalinks).toEqual([]);
      expect((await read(reads[2]!)).controller).toEqual({ licenses: [], datalinks: [] });
    };
    await unlinked((r) => cached(t, r));

    await mutate(t, CLAIM, { input: { source: "flashstart", key: licence, nodeId } });

    expect((await fresh(t, reads[0]!)).license.datalinks).toEqual([{ nodeId, controller: { nodeId } }]);
    expect(licenseOf((await fresh(t, reads[1]!)).customer.licenses, licence).datalinks).toEqual([{ nodeId }]);
    expect((await fresh(t, reads[2]!)).controller).toEqual({
      licenses: [{ key: licence }],
      datalinks: [{ nodeId, license: { key: licence } }],
    });
    for (const read of reads) await cached(t, read);

    await mutate(t, RELEASE, { input: { source: "flashstart", key: licence, nodeId } });

    await unlinked((r) => fresh(t, r));
  });

  it("activating, claiming and releasing local licenses shows each change by key, under the customer and on the controller", async () => {
    const inactive = "LOC-DEMO-0003"; // demo-customer-3's
    const activation = [byKey("local", inactive), customerLicenses("demo-customer-3", "local")];
    expect((await cached(t, activation[0]!)).licenseByKey.status).toBe("INACTIVE");
    expect(licenseOf((await cached(t, activation[1]!)).customer.licenses, inactive).status).toBe("INACTIVE");
    await mutate(t, ACTIVATE, { input: { source: "local", key: inactive } });
    expect((await fresh(t, activation[0]!)).licenseByKey.status).toBe("ACTIVE");
    expect(licenseOf((await fresh(t, activation[1]!)).customer.licenses, inactive).status).toBe("ACTIVE");

    const key = "LOC-DEMO-0001"; // demo-customer-1's, unclaimed
    const nodeId = "sgo-ctrl-002"; // runs an SGO license of demo-customer-2
    const claim = [byKey("local", key), controller(nodeId)];
    const unclaimed = async (read: (r: Read) => Promise<any>) => {
      expect((await read(claim[0]!)).licenseByKey.datalinks).toEqual([]);
      const c = (await read(claim[1]!)).controller;
      expect(keysOf(c.licenses)).not.toContain(key);
      expect(linksTo(c.datalinks, key)).toEqual([]);
    };
    await unclaimed((r) => cached(t, r));

    await mutate(t, CLAIM, { input: { source: "local", key, nodeId } });

    expect((await fresh(t, claim[0]!)).licenseByKey.datalinks).toEqual([{ nodeId, controller: { nodeId, name: "Dubois home" } }]);
    const c = (await fresh(t, claim[1]!)).controller;
    expect(keysOf(c.licenses)).toContain(key);
    expect(linksTo(c.datalinks, key)).toEqual([{ nodeId, license: { key } }]);
    for (const read of claim) await cached(t, read);

    await mutate(t, RELEASE, { input: { source: "local", key, nodeId } });

    await unclaimed((r) => fresh(t, r));
  });

  it("assigning a demo licence from the catalogue shows it under the customer and in the customers connection", async () => {
    const reads = [customerLicenses("demo-customer-3", "flashstart"), everyonesLicenses("flashstart")];
    expect((await cached(t, reads[0]!)).customer.licenses).toEqual([]); // Customerarea 5003 holds none
    expect(nodeOf((await cached(t, reads[1]!)).customers.edges, "demo-customer-3").licenses).toEqual([]);

    const { license } = await mutate(
      t,
      `mutation { assignDemoLicense(input: { customerId: "demo-customer-3", source: "flashstart" }) { license { id } errors { code } } }`,
    );

    expect((await fresh(t, reads[0]!)).customer.licenses.map((l: any) => l.id)).toEqual([license.id]);
    expect(nodeOf((await fresh(t, reads[1]!)).customers.edges, "demo-customer-3").licenses).toEqual([{ id: license.id, status: "ACTIVE" }]);
  });

  it("assigning an offer, renewing a licence and cancelling one each show in the customer's licenses", async () => {
    const ex = t.vendors.flashstart.data.examples;
    const reads = [customerLicenses("demo-customer-2", "flashstart"), everyonesLicenses("flashstart")];
    const ids = async (read: (r: Read) => Promise<any>) => {
      const mine = (await read(reads[0]!)).customer.licenses.map((l: any) => l.id);
      expect(nodeOf((await read(reads[1]!)).customers.edges, "demo-customer-2").licenses.map((l: any) => l.id)).toEqual(mine);
      return mine as string[];
    };
    const before = await ids((r) => cached(t, r));

    const assigned = await mutate(
      t,
      `mutation($code: String!) { assignBulkLicense(input: { customerId: "demo-customer-2", source: "flashstart", offerCode: $code, info: "Branch" }) { license { id } errors { code } } }`,
      { code: ex.affordableLicenseCode },
    );
    const withOffer = await ids((r) => fresh(t, r));
    expect(withOffer).toEqual([...before, assigned.license.id]);
    await ids((r) => cached(t, r));

    const renewable = before.find((id) => id === `flashstart:1009`)!; // 5002's expired Headquarter licence
    const renewed = await mutate(t, `mutation($id: ID!) { renewLicense(input: { licenseId: $id }) { license { id } errors { code } } }`, {
      id: renewable,
    });
    const withRenewal = await ids((r) => fresh(t, r));
    expect(withRenewal).toEqual([...withOffer, renewed.license.id]);
    await ids((r) => cached(t, r));

    await mutate(t, `mutation($id: ID!) { cancelLicense(input: { licenseId: $id }) { cancelled errors { code } } }`, {
      id: assigned.license.id,
    });
    expect(await ids((r) => fresh(t, r))).toEqual(withRenewal.filter((id) => id !== assigned.license.id));
  });

  it("updating contact details at eSmart shows them on the customer's profile, read directly and through the connection", async () => {
    const profile = { query: `{ customer(id: "demo-customer-2") { profile { email phoneNumber } } }` };
    const everyone = { query: `{ customers { edges { node { id profile { email } } } } }` };
    expect((await cached(t, profile)).customer.profile.email).not.toBe("cache@janssens.example");
    await cached(t, everyone);

    await mutate(
      t,
      `mutation { updateCustomerContact(input: { customerId: "demo-customer-2", email: "cache@janssens.example", phoneNumber: "3247099999" }) { profile { email } errors { code } } }`,
    );

    expect((await fresh(t, profile)).customer.profile).toEqual({ email: "cache@janssens.example", phoneNumber: "3247099999" });
    expect(nodeOf((await fresh(t, everyone)).customers.edges, "demo-customer-2").profile).toEqual({ email: "cache@janssens.example" });
  });
});

describe("a change drops exactly what it affects", () => {
  it("activating one customer's license leaves other customers' cached answers, and the vendor answers behind them, in place", async () => {
    const key = "SGO-COM-0003"; // demo-customer-1's, never activated
    const changed = customerLicenses("demo-customer-1", "smartgridone");
    const unrelated = [
      customerLicenses("demo-customer-2", "smartgridone"),
      { query: `{ customer(id: "demo-customer-2") { name licenses { key status } } }` },
      controller("sgo-ctrl-002", "smartgridone"),
    ];
    await cached(t, changed);
    const before = [];
    for (const read of unrelated) before.push(await cached(t, read));

    await mutate(t, ACTIVATE, { input: { source: "smartgridone", key } });

    expect(licenseOf((await fresh(t, changed)).customer.licenses, key).status).toBe("ACTIVE");
    for (const [i, read] of unrelated.entries()) expect(await stillCached(t, read)).toEqual(before[i]);
    // Below the responses too: a new document over demo-customer-2's SmartgridOne licenses needs no vendor call.
    t.resetCalls();
    const other = await fresh(t, { query: `{ customer(id: "demo-customer-2") { licenses(source: "smartgridone") { key } } }` });
    expect(keysOf(other.customer.licenses)).toEqual(keysOf(before[0].customer.licenses));
    expect(t.vendors.smartgridone.calls.count({ server: "api" })).toBe(0);
  });
});

describe("a change while a read is under way", () => {
  it("a read that overlapped a change to what it read is not kept, and the next read shows the change", async () => {
    const read: Read = { query: `{ customer(id: "demo-customer-1") { licenses { key } } }` };
    const key = "CACHE-RACE-0001";
    // Cryptolens slow (and not yet asked about demo-customer-1 in this file), so the read is still out when the
    // gateway issues demo-customer-1 a local license.
    t.vendors.cryptolens.setLatency(500);
    t.resetCalls();
    try {
      const reading = t.gql(read.query);
      await vi.waitFor(() => expect(t.vendors.cryptolens.calls.count({ server: "api" })).toBe(1), { timeout: 5_000, interval: 10 });
      await mutate(t, `mutation($key: String!) { issueLicense(input: { key: $key, customerId: "demo-customer-1" }) { id } }`, { key });
      const raced = await reading;
      expect(raced.body.errors).toBeUndefined();
      // Whether or not it saw the new license, it read data that changed after it began: it is not kept.
      expect(cacheStatus(raced)).toBe(`license-gateway; fwd=miss; detail="changed"`);
    } finally {
      t.vendors.cryptolens.setLatency(0);
    }
    expect(keysOf((await fresh(t, read)).customer.licenses)).toContain(key);
    await cached(t, read);
  });
});
