import type { Principal } from "../auth/principal.js";
import { enterOperationTrace } from "../domain/operation-context.js";
import { documentFacts } from "../graphql/document-facts.js";
import type { GatewayContext } from "../graphql/context.js";
import type { GraphQLPlugin } from "../server/graphql-over-http/plugin.js";
import { headerOf, type OperationResult } from "../server/graphql-over-http/types.js";
import type { GatewayMetrics, OperationOutcome } from "./metrics.js";
import type { OperationSpan, Tracing } from "./tracing.js";

/** The type label of an operation refused before its document was resolved. */
const UNKNOWN = "unknown";

/**
 * Counts, times and traces every GraphQL operation. Place it after the plugins that add errors to the response
 * (partial-errors.ts): the outcome is read from the response as sent.
 *
 * The operation's span context is entered into the AsyncLocalStorage that already carries the operation's
 * deadline (`enterOperationTrace`), where the upstream calls made for it read their parent: tracing adds no
 * AsyncLocalStorage of its own (each one costs CPU on every promise), and each operation of a batch has its own.
 */
export function operationTelemetryPlugin(metrics: GatewayMetrics | undefined, tracing: Tracing | undefined): GraphQLPlugin<GatewayContext> {
  return {
    // Refusals before the document is read (no credentials, a malformed HTTP request): no name, no span.
    requestRefused() {
      metrics?.operation({ operation: UNKNOWN, type: UNKNOWN, outcome: "refused" });
    },
    operationDidStart({ request, http }) {
      const started = performance.now();
      let span: OperationSpan | undefined;
      if (tracing) {
        span = tracing.startOperation({ method: http.method, headers: { get: (name) => headerOf(http.headers, name) } });
        enterOperationTrace(span.context);
      }
      let resolved: { type: string; name: string | null } | undefined;
      return {
        didResolveOperation({ operation, operationName, schema, document, contextValue }) {
          const type = operation?.operation ?? UNKNOWN;
          resolved = { type, name: operationName ?? null };
          span?.resolved(type, operationName ?? null);
          if (metrics && document)
            for (const coordinate of documentFacts(schema, document).deprecated)
              metrics.deprecatedUsage(coordinate, clientOf(contextValue.principal));
        },
        willSendResponse({ executed, response, contextValue }) {
          const outcome = outcomeOf(executed, response.result, contextValue.partialErrors.length);
          if (metrics) {
            // Before resolution, the name is only the client's claim: it gets a label only if a resolved operation
            // earned it one, and without a claim the operation is unknown (not anonymous: the document never ran).
            const operation = resolved
              ? metrics.names.label(resolved.name, true)
              : request.operationName
                ? metrics.names.label(request.operationName, false)
                : UNKNOWN;
            metrics.operation({ operation, type: resolved?.type ?? UNKNOWN, outcome }, (performance.now() - started) / 1000);
          }
          span?.end(outcome, errorCodes(response.result));
        },
      };
    },
  };
}

/**
 * ok: no errors. partial: errors, with data for at least one root field (a failing source, the rest answered).
 * error: errors and no data. refused: never executed (parsing, validation, limits, a GET mutation).
 */
function outcomeOf(executed: boolean, result: OperationResult | undefined, partialErrors: number): OperationOutcome {
  if (!executed) return "refused";
  const { errors, data } = result ?? {};
  if ((errors?.length ?? 0) === 0 && partialErrors === 0) return "ok";
  return data && Object.values(data).some((value) => value !== null && value !== undefined) ? "partial" : "error";
}

/** The distinct `extensions.code`s of the response's errors: stable codes, never messages. */
function errorCodes(result: OperationResult | undefined): string[] {
  const codes = (result?.errors ?? []).map((error) => error.extensions?.code);
  return [...new Set(codes.filter((code): code is string => typeof code === "string"))];
}

/**
 * Who used a deprecated field, as a bounded label: the API key's id (keys are made by admins), else the kind of
 * credential (`jwt`: its subjects are the identity provider's, too many to label; `auth-off`).
 */
function clientOf(principal: Principal): string {
  return principal.documents?.apiKeyId ?? principal.via;
}
