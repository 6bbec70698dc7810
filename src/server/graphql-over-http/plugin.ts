import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { GraphQLRequest, HttpGraphQLRequest, HttpHead, OperationResult } from "./types.js";

/** One operation as it is processed: what plugins read, and the response they may change before it is sent. */
export interface OperationRun<TContext> {
  readonly schema: GraphQLSchema;
  /** Its parameters as the client sent them (`operationName` is the client's claim until resolved). */
  readonly request: GraphQLRequest;
  readonly http: HttpGraphQLRequest;
  readonly contextValue: TContext;
  /** Once the document is known (parsed and valid). */
  document: DocumentNode | undefined;
  /** Once resolved: the operation the document and `operationName` select; undefined when none does. */
  operation: OperationDefinitionNode | undefined;
  /** Once resolved: the selected operation's name, null when it has none. */
  operationName: string | null | undefined;
  /** What execution hands the root fields, and every resolver as `info.rootValue`: one plugin's, or nothing. */
  rootValue: unknown;
  /** Set when execution starts: anything refused before it never ran. */
  executed: boolean;
  /** The answer: its status and headers (shared by the operations of a batch), and the result once there is one. */
  readonly response: { readonly http: HttpHead; result: OperationResult | undefined };
}

/** What a plugin does during one operation; every hook is synchronous, called in the plugins' order. */
export interface OperationListener<TContext> {
  /** The operation was found in the document (not called when the request was refused before). */
  didResolveOperation?(run: OperationRun<TContext>): void;
  /** Execution is about to start. */
  executionDidStart?(run: OperationRun<TContext>): void;
  /** Errors the response will carry, before they are formatted: a listener may change their messages. */
  didEncounterErrors?(run: OperationRun<TContext>, errors: readonly GraphQLError[]): void;
  /** Last: the result is final but for what this and later listeners change. */
  willSendResponse?(run: OperationRun<TContext>): void;
}

/**
 * A cross-cutting part of operation processing (src/server/plugins/, src/observability/operation-plugin.ts), in the
 * spirit of Apollo Server's plugins, with synchronous hooks only: nothing here waits, so no hook costs a promise.
 */
export interface GraphQLPlugin<TContext> {
  /** A request refused before any operation was read: no credential, or not a GraphQL request it can read. */
  requestRefused?(): void;
  /** Called as each operation starts; the listener it returns hears of that operation only. */
  operationDidStart?(run: OperationRun<TContext>): OperationListener<TContext> | undefined;
}
