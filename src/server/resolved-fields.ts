import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, responsePathAsArray } from "graphql";
import { limitError } from "./limits.js";

/**
 * Stops an operation once it has resolved `max` fields. Lists within lists multiply by their real sizes, which
 * no look at the document can know: with 16 licenses per customer, `customer { licenses { customer { licenses
 * ... } } }` twelve levels deep is a million licenses, and it ran the gateway out of memory (regression test in
 * test/abuse). Past the limit every field fails at once, so nothing more is fetched or built, and the answer is
 * replaced by `data: null` and one OPERATION_LIMIT_EXCEEDED error (HTTP 200: execution had begun).
 */
export function resolvedFieldsLimitPlugin<TContext extends object>(max: number): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let resolved = 0;
      let exceeded: GraphQLError | undefined;
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              if (exceeded === undefined && ++resolved <= max) return;
              // One error, located where the limit was passed; graphql-js reports a located error as it is, so
              // every field failing after it costs no new error object.
              if (exceeded === undefined) {
                const refusal = limitError("maxResolvedFields", `the operation resolved more than ${max} fields; ask for fewer nested lists or smaller pages`, 200);
                exceeded = new GraphQLError(refusal.message, {
                  nodes: info.fieldNodes,
                  path: responsePathAsArray(info.path),
                  originalError: refusal,
                  extensions: refusal.extensions,
                });
              }
              throw exceeded;
            },
          };
        },
        async willSendResponse({ response }) {
          if (exceeded === undefined || response.body.kind !== "single") return;
          // Every field that failed past the limit reported it; one report, and no half-built data, is the answer.
          const result = response.body.singleResult;
          const first = result.errors?.find((error) => error.extensions?.limit === "maxResolvedFields");
          response.body.singleResult = { data: null, errors: first ? [first] : (result.errors ?? []) };
        },
      };
    },
  };
}
