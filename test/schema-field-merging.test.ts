import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from "graphql";
import { describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../src/graphql/schema.js";

/**
 * Two types that can meet in one selection set (the members of an interface or union, the interface itself, and
 * the types their same-named fields lead to) must give a field of the same name the same type: GraphQL's
 * OverlappingFieldsCanBeMerged rule refuses `... on Customer { name } ... on Controller { name }` when one is
 * `String!` and the other `String`. Computed from the schema, so a future type that clashes fails here.
 */
type Fielded = GraphQLObjectType | GraphQLInterfaceType;

/** Whether GraphQL would refuse the two types under one response name (graphql-js's doTypesConflict). */
function typesConflict(a: GraphQLOutputType, b: GraphQLOutputType): boolean {
  if (isListType(a) || isListType(b)) return !(isListType(a) && isListType(b)) || typesConflict(a.ofType, b.ofType);
  if (isNonNullType(a) || isNonNullType(b))
    return !(isNonNullType(a) && isNonNullType(b)) || typesConflict(getNullableType(a), getNullableType(b));
  if (isCompositeType(a) && isCompositeType(b)) return false;
  return a !== b;
}

/** Every pair of types that can meet, and every same-named field on which a pair disagrees. */
function fieldClashes(schema: GraphQLSchema): { pairs: Set<string>; clashes: string[] } {
  const expand = (type: GraphQLCompositeType): Fielded[] => [
    ...(isAbstractType(type) ? [...schema.getPossibleTypes(type)] : []),
    ...(isObjectType(type) || isInterfaceType(type) ? [type] : []),
  ];
  const pairs = new Set<string>();
  const clashes: string[] = [];
  const queue: Array<[Fielded, Fielded]> = [];
  const meet = (members: Fielded[]) => {
    for (const a of members) {
      for (const b of members) {
        const key = [a.name, b.name].sort().join(" & ");
        if (a === b || pairs.has(key)) continue;
        pairs.add(key);
        queue.push([a, b]);
      }
    }
  };
  for (const type of Object.values(schema.getTypeMap())) if (isAbstractType(type)) meet(expand(type));
  while (queue.length > 0) {
    const [a, b] = queue.shift()!;
    const bFields = b.getFields();
    for (const [name, field] of Object.entries(a.getFields())) {
      const other = bFields[name];
      if (!other) continue;
      if (typesConflict(field.type, other.type))
        clashes.push(`${a.name}.${name}: ${String(field.type)} vs ${b.name}.${name}: ${String(other.type)}`);
      const [na, nb] = [getNamedType(field.type), getNamedType(other.type)];
      // Under one response name their sub-selections are merged too, so the types they lead to meet in turn.
      if (na !== nb && isCompositeType(na) && isCompositeType(nb)) meet([...new Set([...expand(na), ...expand(nb)])]);
    }
  }
  return { pairs, clashes: [...new Set(clashes)].sort() };
}

describe("types that can share a selection set", () => {
  it("agree on the type of every field they share (no OverlappingFieldsCanBeMerged clash is possible)", async () => {
    const { pairs, clashes } = fieldClashes(await buildGatewaySchema());
    // The Node types meet in node/nodes; if this list shrinks to nothing the check has stopped looking.
    expect([...pairs]).toEqual(
      expect.arrayContaining(["Controller & Customer", "Customer & License", "Controller & License", "Customer & Node"]),
    );
    expect(clashes).toEqual([]);
  });

  it("selecting name on Customer and Controller inside nodes validates", async () => {
    const schema = await buildGatewaySchema();
    const document = parse(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { name createdAt } ... on Controller { name } ... on License { createdAt } } }`,
    );
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });
});
