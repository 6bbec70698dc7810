import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";

const memo = new WeakMap<DocumentNode, readonly string[]>();

/**
 * The deprecated fields and arguments a document uses, as schema coordinates (`Customer.licenses`,
 * `Type.field(arg:)`), each once: what an operator needs to know before removing one, and from whom (see
 * `license_gateway_deprecated_usage_total`). Memoized per parsed document, which Apollo reuses for a repeated
 * query, so a client's steady traffic costs one walk per distinct document.
 */
export function deprecatedUsageIn(schema: GraphQLSchema, document: DocumentNode): readonly string[] {
  const known = memo.get(document);
  if (known !== undefined) return known;
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        if (field?.deprecationReason != null) found.add(`${typeInfo.getParentType()?.name ?? "?"}.${field.name}`);
      },
      Argument() {
        const argument = typeInfo.getArgument();
        const field = typeInfo.getFieldDef();
        if (argument?.deprecationReason != null && field) found.add(`${typeInfo.getParentType()?.name ?? "?"}.${field.name}(${argument.name}:)`);
      },
    }),
  );
  const usage = [...found].sort();
  memo.set(document, usage);
  return usage;
}
