import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";

/** Set on a field with type-graphql's `@Extensions(LIVE)`: its value changes by itself, so no answer holding it is reused. */
export const LIVE = { live: true } as const;

const memo = new WeakMap<DocumentNode, string | null>();

/**
 * The first live field (`Type.field`) the document selects, or null. Fragments are followed through the
 * document's own definitions. Memoized per parsed document, which Apollo reuses for a repeated query.
 */
export function liveFieldIn(schema: GraphQLSchema, document: DocumentNode): string | null {
  const known = memo.get(document);
  if (known !== undefined) return known;
  let found: string | null = null;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (found === null && field?.extensions?.live === true) found = `${parent?.name ?? "?"}.${field.name}`;
      },
    }),
  );
  memo.set(document, found);
  return found;
}
