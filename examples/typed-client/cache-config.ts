/**
 * What a normalising client's cache needs to know about the schema, generated from it by `npm run codegen` so it
 * cannot go stale: `generated/possible-types.json` (which concrete types each interface or union stands for) and
 * `generated/type-policies.ts` (Apollo Client's InMemoryCache type policies). Relay needs neither: every `id` in
 * the schema is unique across types (see the Node interface), which is what Relay's store assumes.
 *
 * Every object type the cache can meet is one of four kinds, decided here from the schema:
 * - it has an `id`: normalised by it (Apollo's default, and Relay's);
 * - it has another stable identity (KEYED below): normalised by those fields (`keyFields`);
 * - it is part of a Relay connection (`edges` and `pageInfo`, its edge type, PageInfo): the connection field's
 *   `relayStylePagination` policy owns it, with the field's filter arguments as its key arguments;
 * - anything else is a value object belonging to the object that holds it (`merge: true`: a later answer with
 *   other fields adds to it instead of replacing it, and Apollo need not warn that data may be lost).
 * A field holding a list of objects is replaced by each answer (`merge: false`): the gateway always answers the
 * whole list, and Apollo warns on any list without a merge function, even one of normalised objects. Items with
 * an identity keep everything every screen read of them; a list of value objects (a customer's accounts) holds
 * what the last answer selected, and a screen that selected more reads it again rather than a mix of two lists.
 */
import {
  getNamedType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";

/** Object types without an `id` that still have a stable identity, and why it is stable. */
export const KEYED: Record<string, { keyFields: string[]; why: string }> = {
  ControllerHardware: {
    keyFields: ["serialNumber"],
    why: "A serial number names one device, and the gateway answers the first directory that knows it, so one serial has one value.",
  },
  HardwareDevice: {
    keyFields: ["deviceId"],
    why: "The directory's own id for the device, the same in every answer that lists it.",
  },
};

/** A string array as TypeScript source, one space after each comma. */
function list(items: readonly string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(", ")}]`;
}

const PAGING_ARGS = new Set(["first", "after", "last", "before"]);

export type CacheKind = "id" | "keyed" | "connection" | "value";

const isConnection = (type: GraphQLObjectType) => "edges" in type.getFields() && "pageInfo" in type.getFields();

/** How the cache treats each object type (the root operation types excluded), by name. */
export function cacheKinds(schema: GraphQLSchema): Map<string, CacheKind> {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  const objects = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__") && !roots.has(t),
  );
  const connectionParts = new Set<string>();
  for (const type of objects.filter(isConnection)) {
    connectionParts.add(type.name);
    connectionParts.add(getNamedType(type.getFields().edges!.type).name);
    connectionParts.add(getNamedType(type.getFields().pageInfo!.type).name);
  }
  const kinds = new Map<string, CacheKind>();
  for (const type of objects.sort((a, b) => a.name.localeCompare(b.name))) {
    const kind: CacheKind =
      "id" in type.getFields() ? "id" : type.name in KEYED ? "keyed" : connectionParts.has(type.name) ? "connection" : "value";
    kinds.set(type.name, kind);
  }
  for (const [name, { keyFields }] of Object.entries(KEYED)) {
    const fields = (schema.getType(name) as GraphQLObjectType | undefined)?.getFields();
    for (const key of keyFields) {
      if (!fields?.[key] || !isNonNullType(fields[key].type))
        throw new Error(`KEYED ${name}.${key} must be a non-null field of the schema`);
    }
  }
  return kinds;
}

/** `possibleTypes` for InMemoryCache: every interface and union with its concrete types, sorted. */
export function possibleTypesOf(schema: GraphQLSchema): Record<string, string[]> {
  const entries = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith("__") && isCompositeType(t) && !isObjectType(t))
    .map(
      (t) =>
        [
          t.name,
          schema
            .getPossibleTypes(t as never)
            .map((p) => p.name)
            .sort(),
        ] as const,
    )
    .sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries);
}

/** The field policy a field gets, as source text, or null for none. */
function fieldPolicy(field: GraphQLField<unknown, unknown>, kinds: Map<string, CacheKind>): string | null {
  const named = getNamedType(field.type);
  if (kinds.get(named.name) === "connection" && isObjectType(named) && isConnection(named)) {
    const keyArgs = field.args
      .map((a) => a.name)
      .filter((a) => !PAGING_ARGS.has(a))
      .sort();
    return `relayStylePagination(${keyArgs.length === 0 ? "false" : list(keyArgs)})`;
  }
  const isList = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
  return isList && isCompositeType(named) ? "{ merge: false }" : null;
}

const HEADER = `// Generated by \`npm run codegen\` (examples/typed-client/cache-config.ts) from schema/schema.graphql. Do not edit:
// a test fails when this file is not what codegen gives.
`;

/** The text of generated/type-policies.ts. */
export function typePoliciesModule(schema: GraphQLSchema): string {
  const kinds = cacheKinds(schema);
  const roots = [schema.getQueryType(), schema.getMutationType()].filter((t): t is GraphQLObjectType => t !== null && t !== undefined);
  const types = [...roots, ...[...kinds.keys()].map((name) => schema.getType(name) as GraphQLObjectType)].filter(
    (t) => kinds.get(t.name) !== "connection",
  );
  const blocks: string[] = [];
  for (const type of types) {
    const lines: string[] = [];
    const keyed = KEYED[type.name];
    if (keyed) lines.push(`    // ${keyed.why}`, `    keyFields: ${list(keyed.keyFields)},`);
    if (kinds.get(type.name) === "value") lines.push(`    merge: true,`);
    const fields = Object.values(type.getFields())
      .map((f) => [f.name, fieldPolicy(f, kinds)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== null);
    if (fields.length > 0) lines.push(`    fields: {`, ...fields.map(([name, policy]) => `      ${name}: ${policy},`), `    },`);
    if (lines.length > 0) blocks.push(`  ${type.name}: {\n${lines.join("\n")}\n  },`);
  }
  const connectionTypes = [...kinds].filter(([, kind]) => kind === "connection").map(([name]) => name);
  const valueTypes = [...kinds].filter(([, kind]) => kind === "value").map(([name]) => name);
  return `${HEADER}
/**
 * InMemoryCache type policies for the gateway's schema (see examples/typed-client/cache-config.ts for the rules):
 * \`new InMemoryCache({ possibleTypes, typePolicies })\` with possibleTypes from ./possible-types.json.
 */
import type { TypePolicies } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

/** Value objects: no identity of their own, merged into the object that holds them. */
export const VALUE_TYPES = ${list(valueTypes)} as const;

/** Parts of Relay connections, owned by the connection fields' relayStylePagination policies. */
export const CONNECTION_TYPES = ${list(connectionTypes)} as const;

export const typePolicies: TypePolicies = {
${blocks.join("\n")}
};
`;
}

/** The text of generated/possible-types.json. */
export const possibleTypesJson = (schema: GraphQLSchema): string => `${JSON.stringify(possibleTypesOf(schema), null, 2)}\n`;
