import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";

/** What the plugins need to know of a document's selections, found in one walk of it. */
export interface DocumentFacts {
  /** The first live field (`Type.field`, see LIVE in src/graphql/live-fields.ts) it selects, or null. */
  liveField: string | null;
  /**
   * The deprecated fields and arguments it uses, as schema coordinates (`Customer.licenses`,
   * `Type.field(arg:)`), each once, sorted.
   */
  deprecated: readonly string[];
}

const memo = new WeakMap<DocumentNode, DocumentFacts>();

/**
 * The facts of a document, fragments followed through its own definitions. Memoized per parsed document, which
 * Apollo reuses for a repeated query, so steady traffic costs one walk per distinct document, for every plugin
 * that asks (the response cache's live fields, the metrics' deprecated usage).
 */
export function documentFacts(schema: GraphQLSchema, document: DocumentNode): DocumentFacts {
  const known = memo.get(document);
  if (known !== undefined) return known;
  let liveField: string | null = null;
  const deprecated = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const coordinate = (field: string) => `${typeInfo.getParentType()?.name ?? "?"}.${field}`;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        if (!field) return;
        if (liveField === null && field.extensions?.live === true) liveField = coordinate(field.name);
        if (field.deprecationReason != null) deprecated.add(coordinate(field.name));
      },
      Argument() {
        const argument = typeInfo.getArgument();
        const field = typeInfo.getFieldDef();
        if (argument?.deprecationReason != null && field) deprecated.add(`${coordinate(field.name)}(${argument.name}:)`);
      },
    }),
  );
  const facts = { liveField, deprecated: [...deprecated].sort() };
  memo.set(document, facts);
  return facts;
}
