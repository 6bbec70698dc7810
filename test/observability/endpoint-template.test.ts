import { describe, expect, it } from "vitest";
import { encodePath, endpointOf } from "../../src/sources/http.js";

describe("endpointOf: what metrics and traces call an upstream path", () => {
  it("is the template a path was built from with encodePath, never the values in it", () => {
    const byCustomer = (id: string) => encodePath`/v1/license/customer/${id}`;
    const devices = (id: string) => encodePath`api/gateways/externalId/${id}/devices`;
    expect(endpointOf(byCustomer("0b5c7f52-1111-4c1e-9f0e-2d7f3a9b8c01"))).toBe("/v1/license/customer/{}");
    expect(endpointOf(byCustomer("a/b?c=d#e"))).toBe("/v1/license/customer/{}");
    expect(endpointOf(devices("GW-0042"))).toBe("/api/gateways/externalId/{}/devices");
    expect(endpointOf(`${byCustomer("x")}?includeDatalinks=true`)).toBe("/v1/license/customer/{}");
  });

  it("is a constant path as it is", () => {
    expect(endpointOf("/v1/device/query")).toBe("/v1/device/query");
    expect(endpointOf("key/GetKey")).toBe("/key/GetKey");
    expect(endpointOf("licences/list?page=2")).toBe("/licences/list");
  });

  it("masks value-like segments of a path built without encodePath, in case an adapter ever does", () => {
    expect(endpointOf("/v1/license/0b5c7f52-1111-4c1e-9f0e-2d7f3a9b8c01")).toBe("/v1/license/{}");
    expect(endpointOf("api/customers/123456/profile")).toBe("/api/customers/{}/profile");
    expect(endpointOf("api/keys/ABC%2FDEF")).toBe("/api/keys/{}");
  });
});
