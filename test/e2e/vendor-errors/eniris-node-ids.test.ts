import { afterEach, describe, expect, it } from "vitest";
import { useTestGateway } from "../../support/gateway.js";

/**
 * Regression (issue 13, item 12): a node id containing "/" was sent to Eniris as "%2F" inside the vendor path
 * (`/v1/license/controller/{nodeId}`), where a router that decodes before matching reads it as two segments. The
 * Eniris adapter now refuses, before any call, a node id a path segment cannot hold, with BAD_USER_INPUT naming the
 * argument; and no refusal quotes the vendor path it would have built.
 */
const t = useTestGateway({ cache: { enabled: false } });
afterEach(() => t.resetCalls());

const CONTROLLER = `query($n: ID!) { controller(nodeId: $n) { nodeId licenses { key } } }`;
const CLAIM = `mutation($input: ClaimLicenseInput!) { claimLicense(input: $input) { license { key } errors { code message field source } } }`;

const eniris = () => [t.vendors.sofar, t.vendors.smartgridone];
const enirisApiCalls = () => eniris().reduce((n, sim) => n + sim.calls.count({ server: "api" }), 0);

describe("Eniris node ids that a vendor path cannot hold", () => {
  it.each(["a/b", "a\\b", "..", "."])(
    "controller(nodeId: %j) answers BAD_USER_INPUT on nodeId, and no Eniris API saw a request",
    async (nodeId) => {
      const res = await t.gql(CONTROLLER, { n: nodeId });
      expect(res.status).toBe(200);
      const errors = res.body.errors ?? [];
      expect(errors.map((e) => [e.extensions?.source, e.extensions?.code, e.extensions?.field]).sort()).toEqual([
        ["smartgridone", "BAD_USER_INPUT", ["nodeId"]],
        ["sofar", "BAD_USER_INPUT", ["nodeId"]],
      ]);
      expect(enirisApiCalls()).toBe(0);
      for (const e of errors) {
        expect(e.message).not.toMatch(/\/v1\/|%2F|%5C|controller\/|device\/query/i);
        expect(e.message).toMatch(/node ?id/i);
      }
    },
  );

  it('claimLicense with nodeId "a/b" at Eniris is refused on input.nodeId before the claim is sent', async () => {
    const res = await t.gql(CLAIM, { input: { source: "sofar", key: t.vendors.sofar.data.examples.activeUnclaimedKey, nodeId: "a/b" } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.claimLicense.errors).toEqual([
      expect.objectContaining({ code: "BAD_USER_INPUT", field: ["input", "nodeId"], source: "sofar" }),
    ]);
    expect(res.body.data.claimLicense.errors[0].message).not.toMatch(/\/v1\/|%2F/);
    // The gateway looks the license up first (its visibility); neither the claim nor any path with the id is sent.
    expect(t.vendors.sofar.calls.count({ server: "api", path: "/v1/license/claim" })).toBe(0);
    expect(t.vendors.sofar.calls.list().filter((c) => /a%2Fb|a\/b/i.test(c.path))).toEqual([]);
  });

  it("an ordinary node id still reaches the vendor", async () => {
    const nodeId = t.vendors.sofar.data.examples.controllerWithLicensesNodeId;
    const res = await t.gql(CONTROLLER, { n: nodeId });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.controller.nodeId).toBe(nodeId);
    expect(t.vendors.sofar.calls.count({ server: "api", path: `/v1/license/controller/${nodeId}` })).toBe(1);
  });
});
