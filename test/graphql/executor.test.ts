import { readFileSync } from "node:fs";
import { buildSchema, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_OFF_PRINCIPAL, type Principal } from "../../src/auth/principal.js";
import { configSchema } from "../../src/config/schema.js";
import { DEMO_CUSTOMER_IDS, seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { documentChecker } from "../../src/documents/document-check.js";
import { formatError } from "../../src/errors/format.js";
import { operationScope, runInOperation } from "../../src/domain/operation-context.js";
import { SourceRegistry } from "../../src/federation/registry.js";
import { encodeCursor } from "../../src/graphql/common/connection.js";
import { createContext, type GatewayContext } from "../../src/graphql/context.js";
import { createExecutor } from "../../src/graphql/create-executor.js";
import type { ExecuteOperation } from "../../src/graphql/executor.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { DEMO_EXAMPLES } from "../../src/server/graphiql-examples.js";
import { createSources } from "../../src/sources/create.js";
import { openStore, type Store } from "../../src/store/store.js";

/**
 * graphql-jit behind the executor gives graphql-js's answers, on the suite's own operations (GraphiQL's examples,
 * the typed client's operations) and on the ways an operation goes wrong. Compared: the data, each error as the
 * client gets it (through the error boundary) and as it stands (message, path, locations, extensions, the original
 * error's code), and the errors a field reported while still answering (a failing vendor).
 *
 * A query runs on both executors, one after the other, in one demo world. A mutation changes its world, so there
 * are two, alike at the start: the reference world runs every mutation on graphql-js, the other on graphql-jit, in
 * the same order. The store gives local licenses random ids, so those are compared as "<uuid>".
 */

interface World {
  vendors: DemoVendors;
  store: Store;
  sources: SourceRegistry;
  context(principal?: Principal): GatewayContext;
  close(): Promise<void>;
}

let schema: GraphQLSchema;
let jit: ExecuteOperation;
let graphqlJs: ExecuteOperation;
let reference: World;
let compiled: World;

async function startWorld(): Promise<World> {
  const vendors = await startDemoVendors({});
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0 },
    store: { url: "memory://" },
    auth: { mode: "off" },
    // One failure is not a trend: no circuit opens between the fault cases below.
    sources: Object.fromEntries(
      Object.entries(vendors.sources).map(([id, s]) => [id, { ...s, resilience: { circuit: { volumeThreshold: 1_000_000 } } }]),
    ),
    cache: { enabled: false },
  });
  const store = await openStore("memory://");
  await seedDemo(store);
  const sources = new SourceRegistry(createSources(config.sources, store));
  const checkDocument = documentChecker(schema, config.server.limits);
  return {
    vendors,
    store,
    sources,
    context: (principal = AUTH_OFF_PRINCIPAL) => createContext({ store, sources, checkDocument }, principal),
    async close() {
      await sources.close();
      await store.close();
      await vendors.close();
    },
  };
}

beforeAll(async () => {
  schema = await buildGatewaySchema();
  [reference, compiled] = await Promise.all([startWorld(), startWorld()]);
  graphqlJs = await createExecutor("graphql-js");
  jit = await createExecutor("graphql-jit");
}, 60_000);

afterAll(async () => {
  await Promise.all([reference?.close(), compiled?.close()]);
});

/** One parse per text, as the server's cache of parsed documents does: graphql-jit compiles per document object. */
const documents = new Map<string, DocumentNode>();
function documentOf(query: string): DocumentNode {
  let document = documents.get(query);
  if (!document) {
    document = parse(query);
    const invalid = validate(schema, document);
    if (invalid.length > 0) throw new Error(`the test's own operation is invalid: ${invalid.map((e) => e.message).join("; ")}`);
    documents.set(query, document);
  }
  return document;
}

/** Everything a client or a later step of the server could read from one run. */
async function observe(execute: ExecuteOperation, world: World, operation: Operation) {
  const contextValue = world.context(operation.principal);
  const scope = operationScope(10_000);
  const result: ExecutionResult = await runInOperation(scope, async () =>
    execute({
      schema,
      document: documentOf(operation.query),
      operationName: operation.operationName,
      variableValues: operation.variables,
      contextValue,
    }),
  ).finally(() => scope.end());
  return {
    hasData: "data" in result,
    data: result.data,
    errors: result.errors?.map((error) => {
      const original = error.originalError as { code?: unknown; name?: unknown } | undefined;
      return {
        isGraphQLError: error instanceof GraphQLError,
        // What the server reads besides the JSON: its own properties, extensions as an object, the nodes of a
        // variable's error (a client's input, BAD_USER_INPUT).
        ownKeys: Object.keys(error).sort(),
        constructor: error.constructor.name,
        extensionsType: typeof error.extensions,
        nodeKinds: error.nodes?.map((node) => node.kind),
        json: error.toJSON(),
        extensions: { ...error.extensions },
        original: original && { name: original.name, code: original.code },
        client: formatError(error.toJSON(), error, () => {}),
      };
    }),
    partial: contextValue.partialErrors.map(({ error, path }) => ({
      message: error.message,
      code: (error as { code?: unknown }).code,
      path,
    })),
  };
}

interface Operation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  principal?: Principal;
  /** Faults to set on both worlds' simulators for this one operation. */
  before?: (world: World) => void;
}

/** A typed client operation with the shared fragments it spreads (fragments.graphql), as its codegen sends it. */
function typedClientOperation(file: string): string {
  const operation = readFileSync(`operations/${file}`, "utf8");
  const fragments = readFileSync("operations/fragments.graphql", "utf8")
    .split(/^(?=fragment )/m)
    .slice(1);
  return [operation, ...fragments.filter((f) => operation.includes(`...${/^fragment (\w+)/.exec(f)![1]}`))].join("\n");
}
const TYPED_VARIABLES: Record<string, Record<string, unknown>> = {
  "activate-license.graphql": { input: { source: "sofar", key: "SOFAR-RES-0003", idempotencyKey: "5b0f3c9e-0000-4000-8000-000000000001" } },
  "claim-license.graphql": {
    input: { source: "local", key: "LOC-DEMO-0001", nodeId: "sofar-ctrl-002", idempotencyKey: "5b0f3c9e-0000-4000-8000-000000000002" },
  },
  "controller-licenses.graphql": { nodeId: "sofar-ctrl-001", first: 2 },
  "customer-dashboard.graphql": { id: DEMO_CUSTOMER_IDS[0], licensesFirst: 3 },
  "customers-page.graphql": { first: 2 },
  "license-details.graphql": { id: "local:1" },
};
const partner: Principal = { id: "test:partner", role: "partner", customerIds: [DEMO_CUSTOMER_IDS[1]], via: "api-key" };

const OPERATIONS: Operation[] = [
  ...DEMO_EXAMPLES.map((e) => ({ name: `GraphiQL: ${e.name}`, query: e.query, ...(e.variables ? { variables: e.variables } : {}) })),
  // operations/ holds GraphiQL's examples too (run above with their variables): these are the typed client's own.
  ...Object.entries(TYPED_VARIABLES).map(([f, variables]) => ({ name: `typed client: ${f}`, query: typedClientOperation(f), variables })),
  {
    name: "a page after a cursor",
    query: typedClientOperation("customers-page.graphql"),
    variables: { first: 1, after: encodeCursor(["M", ""]) },
  },
  {
    name: "a partner's view: others' customers are null, admin-only source fields too",
    principal: partner,
    query: `{
      a: customer(id: "${DEMO_CUSTOMER_IDS[0]}") { id } b: customer(id: "${DEMO_CUSTOMER_IDS[1]}") { id name licenses { key } }
      sources { id state lastErrorCode latencyP50Ms }
    }`,
  },
  {
    name: "nodes of every kind (Node resolved to its object type), aliases, __typename and fragments",
    query: `query N($ids: [ID!]!, $withName: Boolean!) {
      nodes(ids: $ids) { __typename id ... on Customer { name @include(if: $withName) } ... on License { key status } ... on Controller { nodeId } }
      again: nodes(ids: $ids) { id }
    }`,
    variables: { ids: [DEMO_CUSTOMER_IDS[0], "local:1", "sofar-ctrl-001", "nobody-here"], withName: false },
  },
  {
    name: "a variable of the wrong type",
    query: `query Q($first: Int) { customers(first: $first) { edges { cursor } } }`,
    variables: { first: "ten" },
  },
  { name: "a required variable missing", query: `query Q($id: ID!) { customer(id: $id) { id } }`, variables: {} },
  {
    name: "an operation name the document does not have",
    query: `query A { sources { id } } query B { sources { kind } }`,
    operationName: "C",
  },
  { name: "two operations and no name", query: `query A { sources { id } } query B { sources { kind } }` },
  { name: "one of two operations by name", query: `query A { sources { id } } query B { sources { kind } }`, operationName: "B" },
  { name: "a cursor that is not one (BAD_USER_INPUT from a resolver)", query: `{ customers(after: "nope") { edges { cursor } } }` },
  {
    name: "an unknown source (BAD_USER_INPUT naming the argument)",
    query: `{ customer(id: "${DEMO_CUSTOMER_IDS[0]}") { licenses(source: "nope") { key } } }`,
  },
  {
    name: "a page size out of range",
    query: `{ customer(id: "${DEMO_CUSTOMER_IDS[0]}") { licensesConnection(first: 1000) { totalCount } } }`,
  },
  {
    name: "a DateTime variable that is not one (the scalar's own coded error)",
    query: `mutation M($at: DateTime) { activateLicense(input: { source: "sofar", key: "SOFAR-RES-0001", activationIso: $at }) { errors { code } } }`,
    variables: { at: "yesterday" },
  },
  {
    name: "a vendor failing: its share is missing, with a coded error on the field",
    query: `{ customers { edges { node { id licenses { key source { id } } } } } }`,
    before: (world) => world.vendors.sofar.fault({ server: "api", kind: "status", status: 500 }),
  },
  {
    name: "a vendor timing out under a nested field",
    query: `query Q($id: ID!) { customer(id: $id) { licensesConnection { totalCount edges { node { id } } } profile { email } } }`,
    variables: { id: DEMO_CUSTOMER_IDS[0] },
    before: (world) => world.vendors.esmart.fault({ server: "api", kind: "status", status: 503 }),
  },
  {
    name: "introspection",
    query: `{ __schema { queryType { name } types { name kind } } __type(name: "License") { fields { name type { name kind ofType { name } } } } }`,
  },
];

describe("graphql-jit gives graphql-js's answers", () => {
  // In order, on both worlds: the mutations among them change each world alike.
  it.each(OPERATIONS.map((o) => [o.name, o] as const))("%s", async (_, operation) => {
    for (const world of [reference, compiled]) {
      world.vendors.sofar.clearFaults();
      world.vendors.esmart.clearFaults();
      operation.before?.(world);
    }
    const isMutation = /^\s*mutation\b/m.test(operation.query.replace(/^#.*$/gm, ""));
    const expected = await observe(graphqlJs, isMutation ? reference : compiled, operation);
    const actual = await observe(jit, compiled, operation);
    expect(normalised(actual)).toEqual(normalised(expected));
  });
});

describe("the executor", () => {
  it("compiles a document once and reuses it for the next request with other variables", async () => {
    const query = `query Q($id: ID!) { customer(id: $id) { id name } }`;
    const one = await observe(jit, compiled, { name: "", query, variables: { id: DEMO_CUSTOMER_IDS[0] } });
    const two = await observe(jit, compiled, { name: "", query, variables: { id: DEMO_CUSTOMER_IDS[1] } });
    expect([one.data, two.data]).toEqual([
      { customer: { id: DEMO_CUSTOMER_IDS[0], name: expect.any(String) } },
      { customer: { id: DEMO_CUSTOMER_IDS[1], name: expect.any(String) } },
    ]);
  });

  it("runs graphql-js when given a fieldResolver, which graphql-jit has no place for", async () => {
    // Every field of the gateway's schema has a resolver (type-graphql's), so a schema of plain fields shows it.
    const plain = buildSchema("type Query { greeting: String }");
    const result = await jit({
      schema: plain,
      document: parse("{ greeting }"),
      contextValue: {},
      fieldResolver: (_source, _args, _context, info) => `${info.fieldName}!`,
    });
    expect(result).toEqual({ data: { greeting: "greeting!" } });
  });
});

/**
 * What may differ between runs without either executor being at fault: times stamped at the moment of a mutation,
 * the random ids of local licenses, and the source health figures (latency) measured as the runs went.
 */
function normalised(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => {
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && stampedNow(v)) return "<stamped>";
    if (typeof v === "string") return v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, "<uuid>");
    if (/^latency|^errorRate/.test(key) && typeof v === "number") return "<measured>";
    return v;
  });
}

/** An instant stamped during this run: now, or a whole number of months or years from now (an expiry). */
function stampedNow(iso: string): boolean {
  const timeOfDay = (ms: number) => ms % 86_400_000;
  return Math.abs(timeOfDay(Date.parse(iso)) - timeOfDay(Date.now())) < 10 * 60_000;
}
