import { beforeAll, describe, expect, it } from "vitest";
import { A, AUTH_ON, makePrincipals, type Principals } from "../auth/roles.js";
import { useTestGateway } from "../support/gateway.js";
import { scrape } from "./scrape.js";

/**
 * Who still uses deprecated fields (license_gateway_deprecated_usage_total): what an operator reads before removing
 * `Customer.licenses` and `Controller.licenses`. Caches off, so every request executes.
 */
const t = useTestGateway({ auth: AUTH_ON, cache: { enabled: false } });
let who: Principals;

beforeAll(async () => {
  who = await makePrincipals(t.gateway.store);
});

const usage = async (coordinate: string, client: string) =>
  (await scrape(t.gateway.url)).value("license_gateway_deprecated_usage_total", { coordinate, client }) ?? 0;

describe("deprecated usage", () => {
  it("counts each executed operation using a deprecated field, once per field, by the API key or credential kind", async () => {
    const partnerKey = who.ids.partnerA.replace(/^apikey:/, "");
    const LISTS = `query($id: ID!) { customer(id: $id) { licenses { key } controllers { licenses { key } } again: licenses(status: ACTIVE) { key } } }`;
    const before = [
      await usage("Customer.licenses", partnerKey),
      await usage("Controller.licenses", partnerKey),
      await usage("Customer.licenses", "jwt"),
    ];
    expect((await t.gql(LISTS, { id: A }, who.headers.partnerA)).body.errors).toBeUndefined();
    expect((await t.gql(LISTS, { id: A }, who.headers.partnerA)).body.errors).toBeUndefined();
    const CONNECTION = `query($id: ID!) { customer(id: $id) { licensesConnection { edges { node { key } } } } }`;
    expect((await t.gql(CONNECTION, { id: A }, who.headers.partnerA)).body.errors).toBeUndefined();
    expect(
      (await t.gql(`{ customers { edges { node { licenses { key } } } } }`, undefined, who.headers.partnerB)).body.errors,
    ).toBeUndefined();
    const after = [
      await usage("Customer.licenses", partnerKey),
      await usage("Controller.licenses", partnerKey),
      await usage("Customer.licenses", "jwt"),
    ];
    // Two operations by the partner's key (the aliased second use in one operation counts once); one by a JWT.
    expect(after.map((n, i) => n - before[i]!)).toEqual([2, 2, 1]);
    expect(await usage("Customer.licensesConnection", partnerKey)).toBe(0);
  });
});
