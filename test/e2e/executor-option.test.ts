import { Kind, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { DEMO_EXAMPLES } from "../../src/server/graphiql-examples.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * Config `server.executor`: a gateway running graphql-jit answers over HTTP what one running graphql-js answers
 * (test/graphql/executor.test.ts compares the two executors field by field, errors included; this checks the
 * option reaches the server). Cache off, so each answer is executed, not replayed.
 */
const jit = useTestGateway({ serverOverrides: { executor: "graphql-jit" }, cache: { enabled: false } });
const graphqlJs = useTestGateway({ cache: { enabled: false } });

/** The store gives local licenses random ids (each gateway has a store of its own), and cursors carry ids. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const normalized = (body: unknown) =>
  JSON.stringify(body)
    .replace(
      /"(cursor|startCursor|endCursor)":"([^"]+)"/g,
      (_, name: string, cursor: string) => `"${name}":${JSON.stringify(Buffer.from(cursor, "base64url").toString("utf8"))}`,
    )
    .replace(UUID, "<uuid>");

describe("server.executor", () => {
  it("defaults to graphql-js and refuses an executor it does not know", () => {
    expect(configSchema.parse({}).server.executor).toBe("graphql-js");
    expect(() => configSchema.parse({ server: { executor: "graphql-jet" } })).toThrow(/executor/);
  });

  // Mutations change each gateway's own world; queries read the same demo data from both.
  const queries = DEMO_EXAMPLES.filter((e) =>
    parse(e.query).definitions.every((d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === "query"),
  );
  it.each(queries.map((e) => [e.name, e] as const))("graphql-jit answers GraphiQL's %s as graphql-js does", async (_, example) => {
    const [compiled, reference] = await Promise.all([
      jit.gql(example.query, example.variables),
      graphqlJs.gql(example.query, example.variables),
    ]);
    expect(compiled.status).toBe(reference.status);
    expect(compiled.body.errors, JSON.stringify(compiled.body.errors)).toBeUndefined();
    expect(normalized(compiled.body)).toBe(normalized(reference.body));
  });

  it("graphql-jit gives a request error's answer as graphql-js does (a variable of the wrong type)", async () => {
    const query = "query($id: ID!) { customer(id: $id) { id } }";
    const [compiled, reference] = await Promise.all([
      jit.gql(query, { id: { not: "an id" } }),
      graphqlJs.gql(query, { id: { not: "an id" } }),
    ]);
    expect(compiled.status).toBe(400);
    expect(compiled.body).toEqual(reference.body);
    expect(compiled.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
