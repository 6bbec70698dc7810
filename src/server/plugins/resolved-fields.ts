import {
  defaultFieldResolver,
  GraphQLError,
  GraphQLObjectType,
  responsePathAsArray,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { limitError } from "../limits.js";
import type { GraphQLPlugin } from "../graphql-over-http/plugin.js";

/**
 * One operation's count, carried as the operation's root value: graphql-js hands every resolver its operation's
 * (`info.rootValue`), so two operations of one batch, which share their context, still count apart. No root field
 * reads its parent (every one has its own resolver), so the root value is free for this.
 */
class ResolvedFields {
  resolved = 0;
  /** The one error every field past the limit fails with. */
  exceeded: GraphQLError | undefined = undefined;

  constructor(readonly max: number) {}
}

/**
 * Stops an operation once it has resolved `max` fields. Lists within lists multiply by their real sizes, which
 * no look at the document can know: with 16 licenses per customer, `customer { licenses { customer { licenses
 * ... } } }` twelve levels deep is a million licenses, and it ran the gateway out of memory (regression test in
 * test/abuse). Past the limit every field fails at once, so nothing more is fetched or built, and the answer is
 * replaced by `data: null` and one OPERATION_LIMIT_EXCEEDED error (HTTP 200: execution had begun).
 *
 * Counted by a wrapper put once around every field's resolver when the server is made (countResolvedFields): a
 * counter and a comparison per field. It replaced Apollo Server's `willResolveField` hook, whose dispatch cost a
 * closure and a callback (and a promise for an asynchronous field) per field.
 */
export function resolvedFieldsLimit<TContext extends object>(schema: GraphQLSchema, max: number): GraphQLPlugin<TContext> {
  countResolvedFields(schema);
  return {
    operationDidStart(run) {
      const count = new ResolvedFields(max);
      run.rootValue = count;
      return {
        willSendResponse({ response }) {
          const result = response.result;
          if (count.exceeded === undefined || !result) return;
          // Every field that failed past the limit reported it; one report, and no half-built data, is the answer.
          const first = result.errors?.find((error) => error.extensions?.limit === "maxResolvedFields");
          response.result = { data: null, errors: first ? [first] : (result.errors ?? []) };
        },
      };
    },
  };
}

const counted = new WeakSet<GraphQLSchema>();

/**
 * Wraps the resolver of every field of the schema's object types (not introspection's) so that it counts against
 * the operation's count, if it has one; an execution outside the server (no count) counts nothing.
 */
function countResolvedFields(schema: GraphQLSchema): void {
  if (counted.has(schema)) return;
  counted.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const count = info.rootValue;
        if (count instanceof ResolvedFields && (count.exceeded !== undefined || ++count.resolved > count.max))
          throw (count.exceeded ??= exceeded(count.max, info));
        return resolve(source, args, context, info);
      };
    }
  }
}

/** One error, located where the limit was passed; graphql-js reports a located error as it is, so every field failing after it costs no new error object. */
function exceeded(max: number, info: GraphQLResolveInfo): GraphQLError {
  const refusal = limitError(
    "maxResolvedFields",
    `the operation resolved more than ${max} fields; ask for fewer nested lists or smaller pages`,
    200,
  );
  return new GraphQLError(refusal.message, {
    nodes: info.fieldNodes,
    path: responsePathAsArray(info.path),
    originalError: refusal,
    extensions: refusal.extensions,
  });
}
