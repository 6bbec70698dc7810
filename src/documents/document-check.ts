import { Kind, parse, validate, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { KnownOperationTypesRule } from "../server/known-operation-types.js";
import { checkRequestLimits, documentLimitRules, type OperationLimits } from "../server/limits.js";
import { SPECIFIED_RULES } from "../server/sse/operation-rules.js";
import type { DocumentCheck } from "./document-admin.js";

/**
 * Checks a document as a request carrying it would be checked: the request limits on its text (tokens, nesting),
 * parsing, then validation against the schema with the same rules the server runs (graphql-js's, the known
 * operation types, depth, aliases, directives, cost). One operation per document, as every manifest format has it,
 * so a document's id names exactly one operation.
 */
export function documentChecker(schema: GraphQLSchema, limits: OperationLimits): DocumentCheck {
  const rules = [...SPECIFIED_RULES, KnownOperationTypesRule, ...documentLimitRules(limits)];
  return (body) => {
    const refusal = checkRequestLimits({ query: body }, limits);
    if (refusal) return { ok: false, problem: refusal.message };
    let document;
    try {
      document = parse(body);
    } catch (error) {
      return { ok: false, problem: (error as Error).message };
    }
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1)
      return { ok: false, problem: `a trusted document holds exactly one operation; this one holds ${operations.length}` };
    const errors = validate(schema, document, rules);
    if (errors.length > 0) return { ok: false, problem: errors.map((e) => e.message).join("; ") };
    const [operation] = operations as [OperationDefinitionNode];
    return { ok: true, operationType: operation.operation, operationName: operation.name?.value ?? null };
  };
}
