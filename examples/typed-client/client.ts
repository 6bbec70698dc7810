/**
 * A typed GraphQL client in one small file: fetch, graphql's `print`, and the TypedDocumentNode types that
 * generated/graphql.ts attaches to each operation. No Apollo Client, no cache: what a front end or a partner's
 * script needs to call the gateway with the compiler checking variables and results.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { GraphQLFormattedError } from "graphql";
import { createClient as createSseClient } from "graphql-sse";
import { documentId, documentText } from "./persisted-documents.js";

export interface ClientOptions {
  /** The gateway's endpoint, e.g. "http://localhost:4000/graphql". */
  url: string;
  /** Sent with every request, e.g. `{ authorization: "Bearer lgw_..." }` (none in the demo). */
  headers?: Record<string, string>;
  /** Default: the global fetch (browsers, Node 18 and later). */
  fetch?: typeof fetch;
  /**
   * Send each operation's id (`documentId`) instead of its text: for an API key whose operator published this
   * client's generated/persisted-documents.json (a locked key runs nothing else). Smaller requests, and nothing
   * the gateway has not seen before. Default false: the text.
   */
  persistedDocuments?: boolean;
}

/**
 * A response that has data. The gateway answers with partial data when one vendor fails (its licenses are
 * missing, the others are there), and says so in `errors` with `extensions.code` and `extensions.source`: show
 * the data and a notice rather than an error page.
 */
export interface Result<TResult> {
  data: TResult;
  errors: readonly GraphQLFormattedError[];
}

/** No data at all: the request was refused (validation, authentication, limits) or never answered. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    /** The HTTP status. */
    readonly status: number,
    /** The GraphQL errors, when the body had any. */
    readonly errors: readonly GraphQLFormattedError[] = [],
  ) {
    super(message);
    this.name = "GraphQLRequestError";
    this.codes = errors.map((e) => String(e.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
  }

  /** The errors' stable codes (UNAUTHENTICATED, BAD_USER_INPUT, ...): branch on these, never on messages. */
  readonly codes: string[];
}

/**
 * Variables may be left out only when the operation has no required ones: CustomersPage (first and after are
 * optional) can be called bare, CustomerDashboard cannot be called without an id.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{} extends T` is the test for "every property optional"
type VariablesArgument<TVariables> = {} extends TVariables ? [variables?: TVariables] : [variables: TVariables];

export interface GatewayClient {
  // NoInfer: the types come from the document alone. Were TVariables also inferred from the variables passed,
  // a misspelt or extra variable would widen it instead of being refused.
  request<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    ...variables: VariablesArgument<NoInfer<TVariables>>
  ): Promise<Result<TResult>>;

  /**
   * A subscription (LicenseEvents) over GraphQL over SSE, as an async iterator of results; `return()` (or `break` in a
   * `for await`) ends it. When the stream drops, it reconnects with backoff and resumes after the last event it
   * yielded, with no gap and no repeat: `cursorOf` says where a result's event sits (for LicenseEvents,
   * `(data) => data.licenseEvents.cursor`), and the reconnection sends it as Last-Event-ID.
   */
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: NoInfer<TVariables>,
    options?: { cursorOf?: (data: TResult) => string | null | undefined },
  ): AsyncIterableIterator<Result<TResult>>;
}

export function createClient(options: ClientOptions): GatewayClient {
  const send = options.fetch ?? fetch;
  return {
    async request(document, ...[variables]) {
      const response = await send(options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          // The GraphQL-over-HTTP media type first: with it, a refused request gets a 4xx status, not a 200.
          accept: "application/graphql-response+json, application/json;q=0.9",
          ...options.headers,
        },
        body: JSON.stringify(
          options.persistedDocuments ? { documentId: await documentId(document), variables } : { query: documentText(document), variables },
        ),
      });
      const body = await readBody(response);
      const errors = body?.errors ?? [];
      if (body?.data === undefined || body.data === null) {
        const detail = errors.map((e) => `${String(e.extensions?.code ?? "ERROR")}: ${e.message}`).join("; ");
        throw new GraphQLRequestError(detail || `HTTP ${response.status} without a GraphQL body`, response.status, errors);
      }
      // The cast is the one unchecked step: the server validated the operation against the schema the types
      // were generated from, so `data` has the operation's shape (as long as the generated file is current).
      return { data: body.data as never, errors };
    },

    subscribe(document, variables, subscribeOptions = {}) {
      let lastCursor: string | undefined;
      // graphql-sse's client, in distinct connections mode (one stream per subscription, what the gateway serves);
      // the headers are asked for at each connection, so a reconnection carries the last cursor seen.
      const sse = createSseClient({
        url: options.url,
        fetchFn: send,
        headers: () => ({ ...options.headers, ...(lastCursor === undefined ? {} : { "last-event-id": lastCursor }) }),
      });
      const results = sse.iterate<never>({ query: documentText(document), variables: variables as Record<string, unknown> });
      const iterator: AsyncIterableIterator<Result<never>> = {
        async next() {
          const step = await results.next();
          if (step.done === true) return { done: true, value: undefined };
          const { data, errors = [] } = step.value;
          if (data === undefined || data === null) {
            const formatted = errors as readonly GraphQLFormattedError[];
            const detail = formatted.map((e) => `${String(e.extensions?.code ?? "ERROR")}: ${e.message}`).join("; ");
            throw new GraphQLRequestError(detail || "the subscription ended with no data", 200, formatted);
          }
          lastCursor = subscribeOptions.cursorOf?.(data) ?? lastCursor;
          return { done: false, value: { data, errors: errors as readonly GraphQLFormattedError[] } };
        },
        async return() {
          await results.return?.();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return iterator;
    },
  };
}

async function readBody(response: Response): Promise<{ data?: unknown; errors?: GraphQLFormattedError[] } | undefined> {
  if (!/json/i.test(response.headers.get("content-type") ?? "")) return undefined;
  try {
    return (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
  } catch {
    return undefined;
  }
}
