import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Datalink, License } from "../../src/domain/model.js";
import { GatewayError } from "../../src/errors/gateway-error.js";
import type { BatchResult } from "../../src/sources/source.js";
import type { AccountRow } from "../../src/store/customers.js";
import { openStore, type Store } from "../../src/store/store.js";
import { LinkNodes, resolveLinkNodes } from "../../src/sync/link-nodes.js";
import { licenseAt } from "../support/memory-source.js";

const link = (licenseId: string, vendorId: string): Datalink => ({
  id: `sofar:dl:${vendorId}`,
  source: "sofar",
  licenseExternalId: licenseId,
  vendorId,
  nodeId: null,
  createdAt: null,
});

const license = (externalId: string, datalinks: Datalink[]): License => licenseAt("sofar", externalId, { maxControllers: 1, datalinks });

describe("resolveLinkNodes", () => {
  let store: Store;
  const account: AccountRow = { customerId: "cust-1", source: "sofar", externalId: "acct-1" };

  beforeAll(async () => {
    store = await openStore("memory://");
    await store.customers.upsert({ id: "cust-1", name: "One", accounts: [{ source: "sofar", externalId: "acct-1" }] });
    await store.controllers.upsert({ nodeId: "node-a", customerId: "cust-1" });
    await store.controllers.upsert({ nodeId: "node-b", customerId: "cust-1" });
  });

  afterAll(async () => {
    await store?.close();
  });

  it("learns a link's controller from the controllers' lists once, then from memory", async () => {
    const memory = new LinkNodes();
    const asked: string[][] = [];
    const lists = async (nodeIds: readonly string[]): Promise<BatchResult<License[]>> => {
      asked.push([...nodeIds]);
      return nodeIds.map((n) => (n === "node-b" ? [license("lic-1", [])] : []));
    };
    const read = [{ account, licenses: [license("lic-1", [link("lic-1", "dl-1")]), license("lic-2", [])] }];
    const first = await resolveLinkNodes(store, "sofar", read, [], memory, lists);
    expect(first.failed.size).toBe(0);
    expect(first.read[0]!.licenses[0]!.datalinks![0]!.nodeId).toBe("node-b");
    expect(asked).toEqual([["node-a", "node-b"]]);
    const again = await resolveLinkNodes(store, "sofar", read, [], memory, lists);
    expect(again.read[0]!.licenses[0]!.datalinks![0]!.nodeId).toBe("node-b");
    expect(asked).toHaveLength(1);
  });

  it("leaves a link unresolved when several controllers list its license, rather than guess", async () => {
    const lists = async (nodeIds: readonly string[]) => nodeIds.map(() => [license("lic-1", [])]);
    const { read } = await resolveLinkNodes(
      store,
      "sofar",
      [{ account, licenses: [license("lic-1", [link("lic-1", "dl-9")])] }],
      [],
      new LinkNodes(),
      lists,
    );
    expect(read[0]!.licenses[0]!.datalinks![0]!.nodeId).toBeNull();
  });

  it("fails the customer's accounts when a controller's list cannot be read: an unresolved link would read as RELEASED", async () => {
    const lists = async (nodeIds: readonly string[]) =>
      nodeIds.map((n) => (n === "node-a" ? new GatewayError("UPSTREAM_TIMEOUT", "the vendor did not answer in time") : []));
    const { failed } = await resolveLinkNodes(
      store,
      "sofar",
      [{ account, licenses: [license("lic-1", [link("lic-1", "dl-7")])] }],
      [],
      new LinkNodes(),
      lists,
    );
    expect([...failed.keys()]).toEqual(["acct-1"]);
    expect((failed.get("acct-1") as GatewayError).code).toBe("UPSTREAM_TIMEOUT");
  });

  it("asks nobody when every link is known by a claim", async () => {
    let asked = 0;
    const lists = async (nodeIds: readonly string[]) => {
      asked++;
      return nodeIds.map(() => []);
    };
    const claim = {
      id: "c1",
      source: "sofar",
      licenseExternalId: "lic-1",
      licenseKey: "KEY-lic-1",
      nodeId: "node-a",
      vendorDatalinkId: "dl-1",
      licenseAccount: null,
      createdAt: new Date(),
    };
    const { read } = await resolveLinkNodes(
      store,
      "sofar",
      [{ account, licenses: [license("lic-1", [link("lic-1", "dl-1")])] }],
      [claim],
      new LinkNodes(),
      lists,
    );
    expect(asked).toBe(0);
    // to-indexed.ts resolves it from the claim.
    expect(read[0]!.licenses[0]!.datalinks![0]!.nodeId).toBeNull();
  });
});
