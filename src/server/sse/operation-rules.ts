import {
  GraphQLError,
  SingleFieldSubscriptionsRule,
  specifiedRules,
  type ASTVisitor,
  type OperationDefinitionNode,
  type ValidationRule,
} from "graphql";

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

/**
 * graphql-js 16's SingleFieldSubscriptionsRule, made safe: it collects a subscription's fields with no variables, so
 * a directive argument that is a variable (`@include(if: $v)`) makes it throw out of `validate` instead of reporting
 * an error, and the request would be answered as INTERNAL_SERVER_ERROR (found by test/abuse/fuzz.test.ts once the
 * schema had a Subscription type). What it throws is reported as a validation error of the operation.
 */
export const SafeSingleFieldSubscriptionsRule: ValidationRule = (context) => {
  const rule = SingleFieldSubscriptionsRule(context) as ASTVisitor & { OperationDefinition: (node: OperationDefinitionNode) => void };
  return {
    OperationDefinition(node) {
      try {
        rule.OperationDefinition(node);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        context.reportError(new GraphQLError(error.message, { nodes: node }));
      }
    },
  };
};

/** graphql-js's specified rules, SingleFieldSubscriptionsRule replaced by the safe one: what every validation here starts with. */
export const SPECIFIED_RULES: readonly ValidationRule[] = specifiedRules.map((rule) =>
  rule === SingleFieldSubscriptionsRule ? SafeSingleFieldSubscriptionsRule : rule,
);
