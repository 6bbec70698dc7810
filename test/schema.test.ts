import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { printGatewaySchema } from "../src/graphql/print.js";

describe("schema/schema.graphql", () => {
  it("is exactly what the code emits (run `npm run schema:emit` after changing a type)", async () => {
    const committed = await readFile(new URL("../schema/schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(await printGatewaySchema());
  });

  it("keeps the names partners build on", async () => {
    const sdl = await printGatewaySchema();
    for (const line of [
      "customer(id: ID!): Customer",
      "controller(nodeId: ID!): Controller",
      "license(id: ID!): License",
      "sources: [Source!]!",
      "activateLicense(input: ActivateLicenseInput!): ActivateLicensePayload!",
      "claimLicense(input: ClaimLicenseInput!): ClaimLicensePayload!",
      "upsertCustomer(input: UpsertCustomerInput!): Customer!",
      "upsertController(input: UpsertControllerInput!): Controller!",
      "issueLicense(input: IssueLicenseInput!): License!",
      "enum LicenseStatus",
    ]) {
      expect(sdl).toContain(line);
    }
    expect(sdl).toMatch(/customers\((after: String, first: Int|first: Int, after: String)\): CustomerConnection!/);
  });
});
