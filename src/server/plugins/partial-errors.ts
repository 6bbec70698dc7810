import { GraphQLError } from "graphql";
import { formatError, type ErrorLogger } from "../../errors/format.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { GraphQLPlugin, OperationListener } from "../graphql-over-http/plugin.js";

/**
 * Adds the errors that fields reported while still answering (a failing source inside a merged list) to the
 * response's `errors`, through the same formatting boundary as every other error.
 */
export function partialErrors(log: ErrorLogger): GraphQLPlugin<GatewayContext> {
  const listener: OperationListener<GatewayContext> = {
    willSendResponse({ response, contextValue }) {
      const result = response.result;
      if (contextValue.partialErrors.length === 0 || !result) return;
      const seen = new Set<string>();
      const extra = contextValue.partialErrors.flatMap(({ error, path }) => {
        const graphqlError = new GraphQLError(error.message, { path, originalError: error });
        const formatted = formatError(graphqlError.toJSON(), graphqlError, log);
        // The same source failing under one field (one loader answer, several readers) is one error.
        const key = JSON.stringify([formatted.path, formatted.extensions?.code, formatted.extensions?.source, formatted.message]);
        if (seen.has(key)) return [];
        seen.add(key);
        return [formatted];
      });
      result.errors = [...(result.errors ?? []), ...extra];
    },
  };
  return { operationDidStart: () => listener };
}
