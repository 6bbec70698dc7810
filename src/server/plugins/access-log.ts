import { loggedOperationName } from "../../observability/operation-names.js";
import type { GraphQLPlugin } from "../graphql-over-http/plugin.js";
import { currentRequest } from "../../domain/operation-context.js";

/**
 * Notes on the request's access-log record (../access-log.ts) what only the operation knows: its name and type once
 * resolved (a name from the document, never the client's free text), and the codes of the errors the response
 * carries. Listed after the plugins that add errors, so it sees theirs.
 */
export function accessLog<TContext>(): GraphQLPlugin<TContext> {
  return {
    operationDidStart() {
      const record = currentRequest();
      if (!record) return undefined;
      return {
        didResolveOperation({ operationName, operation }) {
          // From the document, so the client's to choose, at any length: cut like every logged operation name.
          record.operationName = loggedOperationName(operationName ?? null);
          if (operation) record.operationType = operation.operation;
        },
        willSendResponse({ response }) {
          const codes = (response.result?.errors ?? []).map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
          if (codes.length > 0) record.errorCodes = [...new Set(codes)];
        },
      };
    },
  };
}
