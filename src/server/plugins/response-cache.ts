import type { GatewayContext } from "../../graphql/context.js";
import { documentFacts } from "../../graphql/document-facts.js";
import type { GraphQLPlugin, OperationListener } from "../graphql-over-http/plugin.js";

/**
 * Tells the response cache which operations it must not keep: mutations, subscriptions, anything selecting a
 * live field, and anything answered with an error (a partial answer from a failing vendor is not reused).
 */
export function responseCacheRules(): GraphQLPlugin<GatewayContext> {
  const listener: OperationListener<GatewayContext> = {
    didResolveOperation({ operation, document, schema, contextValue }) {
      const reads = contextValue.cacheReads;
      if (!reads || !document) return;
      if (operation?.operation !== "query") reads.uncacheable(operation?.operation ?? "no operation");
      const live = documentFacts(schema, document).liveField;
      if (live !== null) reads.uncacheable(`live field ${live}`);
    },
    willSendResponse({ response, contextValue }) {
      const reads = contextValue.cacheReads;
      if (!reads) return;
      if ((response.result?.errors?.length ?? 0) > 0 || contextValue.partialErrors.length > 0) reads.uncacheable("errors");
    },
  };
  return { operationDidStart: () => listener };
}
