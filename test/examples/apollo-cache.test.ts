import { readFile } from "node:fs/promises";
import { getNamedType, isObjectType, parse, print, type DocumentNode, type GraphQLObjectType } from "graphql";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { generateCacheConfig, POSSIBLE_TYPES_FILE, TYPE_POLICIES_FILE } from "../../examples/typed-client/codegen.js";
import { CONNECTION_TYPES, typePolicies, VALUE_TYPES } from "../../examples/typed-client/generated/type-policies.js";
import {
  ControllerWithLicensesDocument,
  CustomerDashboardDocument,
  LicenseDetailsDocument,
} from "../../examples/typed-client/generated/graphql.js";
import possibleTypes from "../../examples/typed-client/generated/possible-types.json" with { type: "json" };
import { DEMO_CUSTOMER_IDS } from "../../src/demo/seed.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { useTestGateway } from "../support/gateway.js";

/**
 * The cache configuration shipped with the typed client (generated/possible-types.json, generated/type-policies.ts)
 * is what the schema needs, and a real Apollo Client 4 InMemoryCache given it stores the gateway's real answers
 * without "Cache data may be lost" warnings, which a cache without it gives (objects without ids, replaced).
 */
const t = useTestGateway();
type Apollo = typeof import("@apollo/client");
let apollo: Apollo;

beforeAll(async () => {
  // Apollo Client warns only in development builds: its __DEV__ is read from the global when it loads.
  (globalThis as { __DEV__?: boolean }).__DEV__ = true;
  apollo = await import("@apollo/client");
  (await import("@apollo/client/dev")).loadDevMessages();
});

afterEach(() => vi.restoreAllMocks());

describe("the shipped cache configuration", () => {
  it("is what codegen gives for the current schema (run `npm run codegen` after a schema change)", async () => {
    const generated = await generateCacheConfig();
    expect((await readFile(POSSIBLE_TYPES_FILE, "utf8")) === generated.possibleTypes, "generated/possible-types.json is stale").toBe(true);
    expect((await readFile(TYPE_POLICIES_FILE, "utf8")) === generated.typePolicies, "generated/type-policies.ts is stale").toBe(true);
  });

  it("lists, for every interface of the schema, exactly the types that implement it", async () => {
    const schema = await buildGatewaySchema();
    const node = schema.getType("Node")!;
    expect(possibleTypes).toEqual({
      Node: schema
        .getPossibleTypes(node as never)
        .map((t) => t.name)
        .sort(),
    });
  });

  it("gives every object type an identity or a merge: an id, keyFields, merge: true as a value object, or a connection's paging policy", async () => {
    const schema = await buildGatewaySchema();
    const roots = new Set(["Query", "Mutation", "Subscription"]);
    const objects = Object.values(schema.getTypeMap()).filter(
      (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__") && !roots.has(t.name),
    );
    const unhandled = objects.filter((type) => {
      const policy = typePolicies[type.name];
      return (
        !("id" in type.getFields()) &&
        !policy?.keyFields &&
        policy?.merge !== true &&
        !(CONNECTION_TYPES as readonly string[]).includes(type.name)
      );
    });
    expect(unhandled.map((t) => t.name)).toEqual([]);
    expect(VALUE_TYPES).toEqual(expect.arrayContaining(["CustomerProfile", "CustomerAccount"]));
    expect(typePolicies.ControllerHardware?.keyFields).toEqual(["serialNumber"]);
    expect(typePolicies.HardwareDevice?.keyFields).toEqual(["deviceId"]);
    // Every field that returns a connection pages with a merge function that knows cursors.
    for (const type of [...objects, schema.getQueryType()!]) {
      for (const field of Object.values(type.getFields())) {
        if (!CONNECTION_TYPES.includes(getNamedType(field.type).name as never) || !getNamedType(field.type).name.endsWith("Connection"))
          continue;
        const policy = typePolicies[type.name]?.fields?.[field.name];
        expect(typeof policy === "object" && typeof policy.merge === "function", `${type.name}.${field.name}`).toBe(true);
      }
    }
  });
});

describe("a real Apollo Client InMemoryCache", () => {
  /** Sends the document as the cache would (with __typename added) and writes the answer into `cache`. */
  async function fetchInto(cache: InstanceType<Apollo["InMemoryCache"]>, document: DocumentNode, variables: Record<string, unknown>) {
    const query = cache.transformDocument(document);
    const res = await t.gql(print(query), variables);
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
    cache.writeQuery({ query, variables, data: res.body.data });
    return res.body.data;
  }

  /** Two screens that show the same customer, its profile, controllers and their hardware with other fields. */
  const screens = [
    parse(`query A($id: ID!) { customer(id: $id) { id name profile { externalId name email } accounts { externalId }
      controllers { id nodeId hardware { serialNumber name devices { deviceId type } } } } }`),
    parse(`query B($id: ID!) { customer(id: $id) { id profile { externalId phoneNumber city } accounts { externalId source { id } }
      controllers { id hardware { serialNumber firmwareVersion devices { deviceId serialNumber } } } } }`),
  ];

  /** Writes every screen's answer into a cache; what Apollo warned, and whether the first screen still reads whole. */
  async function lossWarnings(
    config: ConstructorParameters<Apollo["InMemoryCache"]>[0],
  ): Promise<{ warnings: string[]; firstScreen: unknown }> {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const cache = new apollo.InMemoryCache(config);
    const id = DEMO_CUSTOMER_IDS[0];
    for (const screen of screens) await fetchInto(cache, screen, { id });
    await fetchInto(cache, CustomerDashboardDocument, { id, licensesFirst: 5 });
    const dashboard = await fetchInto(cache, CustomerDashboardDocument, { id, licensesFirst: 5 });
    await fetchInto(cache, ControllerWithLicensesDocument, { nodeId: t.vendors.sofar.data.examples.controllerWithLicensesNodeId });
    await fetchInto(cache, LicenseDetailsDocument, { id: dashboard.customer.licensesConnection.edges[0].node.id });
    // The first screen again: it must still read whole from the cache, nothing lost to the others.
    const firstScreen = cache.readQuery({ query: cache.transformDocument(screens[0]!), variables: { id } });
    // Apollo warns with a format string ("... the %s field of a %s object ...") and its arguments.
    const messages = warn.mock.calls.map(([format, ...args]) =>
      args.reduce<string>((text, arg) => text.replace("%s", String(arg)), String(format)),
    );
    warn.mockRestore();
    return { warnings: messages.filter((m) => /Cache data may be lost/.test(m)), firstScreen };
  }

  it("warns that data may be lost without the shipped configuration (the check can see the problem)", async () => {
    const { warnings, firstScreen } = await lossWarnings({});
    expect(warnings.join("\n")).toMatch(/profile field of a Customer object/);
    expect(warnings.join("\n")).toMatch(/hardware field of a Controller object/);
    expect(firstScreen).toBeNull();
  });

  it("stores the same objects selected differently by several screens without a data-loss warning, given possibleTypes and typePolicies", async () => {
    const { warnings, firstScreen } = await lossWarnings({ possibleTypes, typePolicies });
    expect(warnings).toEqual([]);
    // Nothing the first screen read was lost to the others: the profile merged, hardware and devices by their keys.
    expect(firstScreen).toMatchObject({ customer: { profile: { name: expect.any(String), email: expect.any(String) } } });
    const controllers = (
      firstScreen as { customer: { controllers: Array<{ hardware: { name: string; devices: Array<{ type: string }> } | null }> } }
    ).customer.controllers;
    expect(
      controllers.some(
        (c) => c.hardware !== null && c.hardware.name !== undefined && c.hardware.devices.every((d) => d.type !== undefined),
      ),
    ).toBe(true);
  });

  it("matches a fragment on Node through possibleTypes, and reads polymorphic nodes back whole", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const cache = new apollo.InMemoryCache({ possibleTypes, typePolicies });
    const nodeId = `Controller:${t.vendors.sofar.data.examples.controllerWithLicensesNodeId}`;
    const query = parse(
      `query N($ids: [ID!]!) { nodes(ids: $ids) { ...NodeId ... on Customer { name } ... on Controller { name } } } fragment NodeId on Node { id }`,
    );
    const data = await fetchInto(cache, query, { ids: [DEMO_CUSTOMER_IDS[0], nodeId] });
    expect(cache.readQuery({ query: cache.transformDocument(query), variables: { ids: [DEMO_CUSTOMER_IDS[0], nodeId] } })).toEqual(data);
    expect(cache.identify(data.nodes[0])).toBe(`Customer:${DEMO_CUSTOMER_IDS[0]}`);
    expect(warn.mock.calls).toEqual([]);
  });
});
