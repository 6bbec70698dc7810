import { describe, expect, it } from "vitest";
import { DEMO_EXAMPLES } from "../../src/server/graphiql-examples.js";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();

describe("GraphiQL's example operations", () => {
  // In order, as a first-time visitor would click through the tabs.
  it.each(DEMO_EXAMPLES.map((e) => [e.name, e] as const))("%s succeeds against the demo", async (_, example) => {
    const res = await t.gql(example.query, example.variables);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    for (const value of Object.values(res.body.data ?? {})) {
      expect(value).not.toBeNull();
      const errors = (value as { errors?: unknown[] }).errors;
      if (errors !== undefined) expect(errors).toEqual([]);
    }
  });
});
