import { GraphQLError, Lexer, Source, TokenKind, type ValidationRule } from "graphql";
import type { GatewayConfig } from "../config/schema.js";
import { selectionMeasurer, withDirectives, type SelectionMeasure } from "./selection-limits.js";

/**
 * Limits against abusive operations (issue 4), in three layers:
 * - before Apollo parses anything, {@link checkRequestLimits} counts tokens and bracket nesting with graphql-js's
 *   own lexer and measures variables, so an oversized document is never parsed (and a deeply nested one cannot
 *   exhaust the parser's stack);
 * - during validation, {@link documentLimitRules} refuses documents too deep, too costly, or with too many aliases
 *   or directives, measured on the selection with its fragments flattened;
 * - during execution, resolved-fields.ts stops an operation that resolves too many fields, which is what lists
 *   within lists do however well the document is shaped (no static cost can tell 16 licenses from 1,000).
 * Every refusal is an OPERATION_LIMIT_EXCEEDED error whose `extensions.limit` names the limit; HTTP 400 before
 * execution (413 for the body), 200 with `data: null` once execution has begun.
 */

export type ConfiguredLimits = GatewayConfig["server"]["limits"];

/** Limits with defaults here until the config schema has them (the same names under `server.limits`). */
export const DEFAULT_EXTRA_LIMITS = {
  /** Containers (objects, lists) nested inside one operation's variables. Default 10; the schema's inputs need 3. */
  maxVariableDepth: 10,
  /** Values (scalars and containers) in one operation's variables. Default 5,000, like `maxTokens` for a document. */
  maxVariableValues: 5_000,
  /**
   * Fields one operation may resolve, scalars included. Default 20,000: about a megabyte of JSON, and a few
   * seconds of resolvers; the largest query in the test suite (23 customers, everything) resolves about 2,150.
   */
  maxResolvedFields: 20_000,
} as const;

export type OperationLimits = ConfiguredLimits & Partial<Record<keyof typeof DEFAULT_EXTRA_LIMITS, number>>;

/** The names a client sees in `extensions.limit`: the `server.limits` keys. */
export type LimitName = keyof ConfiguredLimits | keyof typeof DEFAULT_EXTRA_LIMITS;

export const OPERATION_LIMIT_EXCEEDED = "OPERATION_LIMIT_EXCEEDED";

/** A refusal for `limit`; `status` is the HTTP status the response gets (400, or 413 for the body). */
export function limitError(limit: LimitName, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code: OPERATION_LIMIT_EXCEEDED, limit, http: { status } } });
}

/**
 * Brackets (`{`, `[`, `(`) a document may nest beyond `maxDepth`: one for the operation's own selection set,
 * one for arguments, and as many as variables may nest for an input value written inline.
 */
function maxNesting(limits: OperationLimits): number {
  return limits.maxDepth + 2 + (limits.maxVariableDepth ?? DEFAULT_EXTRA_LIMITS.maxVariableDepth);
}

/**
 * Validation rules for depth, cost, aliases and directives, measured in one walk of each operation with its
 * fragments flattened (selection-limits.ts). They were graphql-armor's rules, which counted a fragment spread, its
 * definition and an inline fragment each as a level (a Relay query of named fragments 10 fields deep measured 20)
 * and weighted the fields inside them again at each, so the fragments a client colocates per component were
 * refused where the same fields written in place passed; and which counted a directive on a fragment spread at the
 * first spread only. The messages and the cost model are armor's, so the limits keep their meaning. Tokens are
 * counted before Apollo parses anything ({@link checkRequestLimits}).
 */
export function documentLimitRules(limits: OperationLimits): ValidationRule[] {
  return [
    (context) => {
      const measure = selectionMeasurer((name) => context.getFragment(name));
      return {
        OperationDefinition(operation) {
          for (const error of exceededLimits(withDirectives(measure(operation.selectionSet), operation.directives), limits)) {
            context.reportError(error);
          }
        },
      };
    },
  ];
}

/**
 * Every limit one operation's measure exceeds (depth first). The cost is rounded to hundredths: the same fields
 * summed in another order differ in the last bits of a double, and a limit's message should not.
 */
function exceededLimits(measure: SelectionMeasure, limits: OperationLimits): GraphQLError[] {
  const cost = Math.round(measure.cost * 100) / 100;
  const errors: GraphQLError[] = [];
  if (measure.depth > limits.maxDepth) {
    errors.push(limitError("maxDepth", `Query depth limit of ${limits.maxDepth} exceeded, found ${measure.depth}.`));
  }
  if (cost > limits.maxCost) errors.push(limitError("maxCost", `Query Cost limit of ${limits.maxCost} exceeded, found ${cost}.`));
  if (measure.aliases > limits.maxAliases) {
    errors.push(limitError("maxAliases", `Aliases limit of ${limits.maxAliases} exceeded, found ${measure.aliases}.`));
  }
  if (measure.directives > limits.maxDirectives) {
    errors.push(limitError("maxDirectives", `Directives limit of ${limits.maxDirectives} exceeded, found ${measure.directives}.`));
  }
  return errors;
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * The limits one request exceeds before it is parsed: `payload` is a POST body as parsed from JSON (an object,
 * or an array when batched) or a GET request's parameters. Returns the first refusal, or undefined; anything it
 * cannot make sense of is left for Apollo Server to refuse with its own coded error.
 */
export function checkRequestLimits(payload: unknown, limits: OperationLimits): GraphQLError | undefined {
  if (Array.isArray(payload)) {
    // With batching off Apollo refuses any array itself (BAD_REQUEST); nothing is worth measuring first.
    if (limits.maxBatch <= 1) return undefined;
    if (payload.length > limits.maxBatch) {
      return limitError("maxBatch", `a batch may hold at most ${limits.maxBatch} operations; this one holds ${payload.length}`);
    }
    for (const operation of payload) {
      const refusal = checkOperation(operation, limits);
      if (refusal) return refusal;
    }
    return undefined;
  }
  return checkOperation(payload, limits);
}

function checkOperation(operation: unknown, limits: OperationLimits): GraphQLError | undefined {
  if (operation === null || typeof operation !== "object") return undefined;
  const { query, variables } = operation as { query?: unknown; variables?: unknown };
  return (typeof query === "string" ? checkDocument(query, limits) : undefined) ?? checkVariables(variables, limits);
}

/**
 * Documents that passed, per set of limits: clients send the same few documents again and again, and lexing one
 * costs more than the rest of this check. Only passes are kept (a refusal is the client's to pay for again), and only
 * documents up to 20,000 characters, at most 500 of them (10 MB at worst), the oldest out first.
 */
const passed = new WeakMap<OperationLimits, Set<string>>();
const REMEMBERED_DOCUMENTS = 500;
const REMEMBERED_LENGTH = 20_000;

function checkDocument(query: string, limits: OperationLimits): GraphQLError | undefined {
  let known = passed.get(limits);
  if (known?.has(query)) return undefined;
  const refusal = lexDocument(query, limits);
  if (refusal === undefined && query.length <= REMEMBERED_LENGTH) {
    if (!known) passed.set(limits, (known = new Set()));
    if (known.size >= REMEMBERED_DOCUMENTS) known.delete(known.values().next().value!);
    known.add(query);
  }
  return refusal;
}

/** Counts tokens as graphql-js's parser does (comments and the end of the document do not count). */
function lexDocument(query: string, limits: OperationLimits): GraphQLError | undefined {
  const nestingLimit = maxNesting(limits);
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) {
        return limitError("maxTokens", `the document has more than ${limits.maxTokens} tokens`);
      }
      if (OPENING.has(token.kind) && ++nesting > nestingLimit) {
        return limitError(
          "maxDepth",
          `the document nests brackets more than ${nestingLimit} deep (maxDepth ${limits.maxDepth} plus arguments)`,
        );
      }
      if (CLOSING.has(token.kind)) nesting--;
    }
  } catch {
    // A lexical error: the parser reports it, with its location, as GRAPHQL_PARSE_FAILED.
  }
  return undefined;
}

/** Walks the variables without recursion, so no nesting can exhaust the stack here either. */
function checkVariables(variables: unknown, limits: OperationLimits): GraphQLError | undefined {
  if (variables === null || typeof variables !== "object") return undefined;
  const maxDepth = limits.maxVariableDepth ?? DEFAULT_EXTRA_LIMITS.maxVariableDepth;
  const maxValues = limits.maxVariableValues ?? DEFAULT_EXTRA_LIMITS.maxVariableValues;
  // `variables` itself is depth 0: `{ "input": { "key": "K" } }` nests 1 deep.
  const containers: Array<{ value: object; depth: number }> = [{ value: variables, depth: 0 }];
  let values = 0;
  for (let next = containers.pop(); next !== undefined; next = containers.pop()) {
    const children = Object.values(next.value);
    values += children.length;
    if (values > maxValues) return limitError("maxVariableValues", `the variables hold more than ${maxValues} values`);
    for (const child of children) {
      if (child === null || typeof child !== "object") continue;
      if (next.depth + 1 > maxDepth) return limitError("maxVariableDepth", `the variables nest more than ${maxDepth} deep`);
      containers.push({ value: child, depth: next.depth + 1 });
    }
  }
  return undefined;
}
