import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoLicenseControl, DEMO_LICENSE_CONTROL_PATH } from "../../src/demo/license-control.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * The demo's control for changing a license at its simulator, behind the gateway's back (issue 16): the change is
 * made in the simulator's data, and the gateway (cache off) reads it from the vendor over HTTP like any other.
 */
const t = useTestGateway({ cache: { enabled: false } });
let control: Server;
let controlUrl: string;

beforeAll(async () => {
  const handle = demoLicenseControl(t.vendors);
  control = createServer((req, res) => void handle(req, res, new URL(req.url ?? "/", "http://demo.invalid")));
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}${DEMO_LICENSE_CONTROL_PATH}`;
});

afterAll(async () => {
  await new Promise((resolve) => control?.close(resolve));
});

const change = (source: string, key: string, body: unknown) =>
  fetch(`${controlUrl}${source}/${encodeURIComponent(key)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function license(source: string, key: string): Promise<{ status: string; expiresAt: string | null; datalinks: unknown[] } | null> {
  const res = await t.gql(`query($s: ID!, $k: String!) { licenseByKey(source: $s, key: $k) { status expiresAt datalinks { nodeId } } }`, {
    s: source,
    k: key,
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.licenseByKey;
}

describe("changing a license at its simulator, behind the gateway's back", () => {
  it("blocks and unblocks a Cryptolens key", async () => {
    const key = t.vendors.cryptolens.data.examples.activeUnactivatedKey;
    const before = (await license("cryptolens", key))!.status;
    expect((await change("cryptolens", key, { kind: "block" })).status).toBe(200);
    expect((await license("cryptolens", key))!.status).toBe("BLOCKED");
    expect((await change("cryptolens", key, { kind: "unblock" })).status).toBe(200);
    expect((await license("cryptolens", key))!.status).toBe(before);
  });

  it("moves an Eniris license's end: a day ago is EXPIRED, 5 days ahead is ACTIVE ending then", async () => {
    const key = t.vendors.sofar.data.examples.activeUnclaimedKey;
    expect((await change("sofar", key, { kind: "expire" })).status).toBe(200);
    expect((await license("sofar", key))!.status).toBe("EXPIRED");
    expect((await change("sofar", key, { kind: "expireInDays", days: 5 })).status).toBe(200);
    const soon = (await license("sofar", key))!;
    expect(soon.status).toBe("ACTIVE");
    expect(Math.abs(Date.parse(soon.expiresAt!) - (Date.now() + 5 * 86_400_000))).toBeLessThan(86_400_000);
  });

  it("releases an Eniris license's controllers, and removes a license", async () => {
    const key = t.vendors.sofar.data.examples.activeClaimedKey;
    expect((await license("sofar", key))!.datalinks.length).toBeGreaterThan(0);
    expect((await change("sofar", key, { kind: "release" })).status).toBe(200);
    expect((await license("sofar", key))!.datalinks).toEqual([]);
    expect((await change("sofar", key, { kind: "remove" })).status).toBe(200);
    expect(await license("sofar", key)).toBeNull();
  });

  it("expires a Customerarea licence", async () => {
    const key = String(t.vendors.flashstart.data.examples.activeLicenceId);
    expect((await change("flashstart", key, { kind: "expire" })).status).toBe(200);
    expect((await license("flashstart", key))!.status).toBe("EXPIRED");
  });

  it("says what it cannot do: a change the vendor has not (400), an unknown key or source (404), a bad body (400)", async () => {
    const eniris = await change("sofar", t.vendors.sofar.data.examples.inactiveUnclaimedKey, { kind: "block" });
    expect(eniris.status).toBe(400);
    expect(((await eniris.json()) as { error: string }).error).toMatch(/Eniris has no "block"/);
    expect((await change("sofar", "NO-SUCH-KEY", { kind: "expire" })).status).toBe(404);
    expect((await change("esmart", "x", { kind: "expire" })).status).toBe(404);
    expect((await change("__proto__", "x", { kind: "expire" })).status).toBe(404);
    expect((await change("cryptolens", "x", { kind: "expireInDays" })).status).toBe(400);
    expect((await change("cryptolens", "x", { kind: "explode" })).status).toBe(400);
    expect((await fetch(`${controlUrl}cryptolens/x`)).status).toBe(405);
  });
});
