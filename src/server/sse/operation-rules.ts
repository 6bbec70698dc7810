import { GraphQLError, type ValidationRule } from "graphql";

/**
 * Over GraphQL over HTTP (application/json): a subscription is refused, saying where it is served. graphql-js would
 * otherwise execute it as a query, once, with no event to resolve.
 */
export const SubscriptionsOverSseRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === "subscription") {
      context.reportError(
        new GraphQLError("subscriptions are served as GraphQL over Server-Sent Events: send the request with Accept: text/event-stream", {
          nodes: node,
        }),
      );
    }
  },
});

/**
 * Over text/event-stream: subscriptions only. Queries and mutations go through the /graphql pipeline, where the
 * response cache, the replicas' cache sync and the operation plugins apply; an event stream has none of them.
 */
export const OnlySubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== "subscription") {
      context.reportError(
        new GraphQLError(`over text/event-stream only subscriptions are served; send ${node.operation} operations as application/json`, {
          nodes: node,
        }),
      );
    }
  },
});
