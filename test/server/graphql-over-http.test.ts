import { describe, expect, it } from "vitest";
import { expectWellFormed, post } from "../abuse/support.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * The gateway's own GraphQL-over-HTTP step (src/server/graphql-over-http/), where it does something per operation
 * that the protocol audits (test/http-spec) and the limits tests (test/abuse) do not reach: batches, whose
 * operations share one context (one set of loaders) but are each their own operation.
 */
const t = useTestGateway({ serverOverrides: { limits: { maxBatch: 3, maxResolvedFields: 10 } }, cache: { enabled: false } });
const json = (value: unknown) => JSON.stringify(value);

/** `sources { id }` resolves 7 fields: the list and the six sources' ids. */
const SOURCES = "{ sources { id } }";

describe("a batch", () => {
  it("counts each operation's resolved fields on its own: two of 7 pass under a limit of 10, one of 14 is stopped alone", async () => {
    const res = await post(
      t.gateway.url,
      json([{ query: SOURCES }, { query: SOURCES }, { query: "{ a: sources { id } b: sources { id } }" }]),
    );
    expect(res.status).toBe(200);
    expectWellFormed(res);
    const [first, second, third] = JSON.parse(res.text) as Array<{
      data: unknown;
      errors?: Array<{ extensions: Record<string, unknown> }>;
    }>;
    expect(first!.errors).toBeUndefined();
    expect(second).toEqual(first);
    expect(third!.data).toBeNull();
    expect(third!.errors!.map((e) => e.extensions)).toEqual([{ code: "OPERATION_LIMIT_EXCEEDED", limit: "maxResolvedFields" }]);
  });

  it("runs a mutation beside a query: both share the request's context, the mutation services included", async () => {
    const mutation = `mutation { updateCustomerContact(input: { customerId: "demo-customer-2", email: "batch@example.com" }) { errors { code } } }`;
    const res = await post(t.gateway.url, json([{ query: mutation }, { query: `{ customer(id: "demo-customer-2") { id } }` }]));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual([
      { data: { updateCustomerContact: { errors: [] } } },
      { data: { customer: { id: "demo-customer-2" } } },
    ]);
    const after = await t.gql(`{ customer(id: "demo-customer-2") { profile { email } } }`);
    expect(after.body.data.customer.profile.email).toBe("batch@example.com");
  });

  it("answers each operation's refusal in its place, and the batch with the status of the last to finish", async () => {
    const res = await post(t.gateway.url, json([{ query: "{ __typename }" }, { query: "{ nope }" }]));
    expect(res.status).toBe(400);
    const [ok, refused] = JSON.parse(res.text) as Array<{ data?: unknown; errors?: Array<{ extensions: { code: string } }> }>;
    expect(ok).toEqual({ data: { __typename: "Query" } });
    expect(refused!.errors!.map((e) => e.extensions.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });
});

describe("a repeated document", () => {
  it("answers the same each time, from the first request's parse and validation on", async () => {
    const document = `query Repeated($id: ID!) { customer(id: $id) { id } }`;
    const answers = [];
    for (const id of ["demo-customer-1", "demo-customer-2", "demo-customer-1"]) answers.push((await t.gql(document, { id })).body);
    expect(answers).toEqual([
      { data: { customer: { id: "demo-customer-1" } } },
      { data: { customer: { id: "demo-customer-2" } } },
      { data: { customer: { id: "demo-customer-1" } } },
    ]);
  });

  it("that failed validation fails again: only valid documents are kept", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await t.gql("{ customr { id } }");
      expect(res.status).toBe(400);
      expect(res.body.errors!.map((e) => e.extensions!.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    }
  });
});
