import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { GraphQLEnumType, GraphQLObjectType } from "graphql";
import { printGatewaySchema } from "../src/graphql/print.js";
import { buildGatewaySchema } from "../src/graphql/schema.js";

describe("schema/schema.graphql", () => {
  it("is exactly what the code emits (run `npm run schema:emit` after changing a type)", async () => {
    const committed = await readFile(new URL("../schema/schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(await printGatewaySchema());
  });

  it("keeps the names partners build on", async () => {
    const schema = await buildGatewaySchema();
    /** "field(arg: Type, ...): Type" for a root field, arguments sorted, as in the issue's contract. */
    const signature = (root: "Query" | "Mutation", name: string) => {
      const field = (root === "Query" ? schema.getQueryType() : schema.getMutationType())!.getFields()[name];
      if (!field) return undefined;
      const args = field.args.map((a) => `${a.name}: ${String(a.type)}`).sort();
      return `${name}${args.length ? `(${args.join(", ")})` : ""}: ${String(field.type)}`;
    };
    expect(signature("Query", "customer")).toBe("customer(id: ID!): Customer");
    expect(signature("Query", "customers")).toBe("customers(after: String, before: String, first: Int, last: Int): CustomerConnection!");
    expect(signature("Query", "controller")).toBe("controller(nodeId: ID!): Controller");
    expect(signature("Query", "license")).toBe("license(id: ID!): License");
    expect(signature("Query", "sources")).toBe("sources: [Source!]!");
    expect(signature("Mutation", "activateLicense")).toBe("activateLicense(input: ActivateLicenseInput!): ActivateLicensePayload!");
    expect(signature("Mutation", "claimLicense")).toBe("claimLicense(input: ClaimLicenseInput!): ClaimLicensePayload!");
    expect(signature("Mutation", "upsertCustomer")).toBe("upsertCustomer(input: UpsertCustomerInput!): Customer!");
    expect(signature("Mutation", "upsertController")).toBe("upsertController(input: UpsertControllerInput!): Controller!");
    expect(signature("Mutation", "issueLicense")).toBe("issueLicense(input: IssueLicenseInput!): License!");
    const status = schema.getType("LicenseStatus") as GraphQLEnumType;
    expect(status.getValues().map((v) => v.name)).toEqual(["INACTIVE", "ACTIVE", "EXPIRED", "DEACTIVATED", "BLOCKED"]);
    const license = schema.getType("License") as GraphQLObjectType;
    expect(Object.keys(license.getFields())).toEqual(
      expect.arrayContaining([
        "id",
        "source",
        "externalId",
        "key",
        "type",
        "status",
        "gridKw",
        "solarKw",
        "batteryKw",
        "evKw",
        "createdAt",
        "activatedAt",
        "expiresAt",
        "deactivatedAt",
        "durationMonths",
        "customer",
        "datalinks",
      ]),
    );
  });
});
