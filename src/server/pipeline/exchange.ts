import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal } from "../../auth/principal.js";
import type { OperationScope } from "../../domain/operation-context.js";
import type { GatewayContext } from "../../graphql/context.js";

/** An executed request's answer, finished by the steps it passes on the way back (caching headers, cache store). */
export interface Answer {
  status: number;
  /** Lower-case names; `content-length` is never among them (the body's length is written with it). */
  headers: Map<string, string>;
  body: string;
  /** The RFC 9211 Cache-Status of the answer, once the response cache has seen it. */
  cacheStatus?: string | undefined;
}

/**
 * One /graphql request as it goes through the pipeline: what each step learned, for the steps after it. Fields are
 * set in the order of the steps (pipeline.ts); one class, so every request has the same shape.
 */
export class Exchange {
  /** A POST's body as text (read-body.ts). */
  text: string | undefined = undefined;
  /** The POST body parsed: JSON, or the text itself for another content type (parse-body.ts). */
  body: unknown = undefined;
  bodyParsed = false;
  /** Who is asking, once authenticated; undefined when authentication refused (`authError`). */
  principal: Principal | undefined = undefined;
  /** Why authentication refused: answered when the operation would start, as every other request error. */
  authError: unknown = undefined;
  /** False when this replica could not learn what others changed: no cache is read or filled (cache-sync.ts). */
  cachesUsable = true;
  /** The response cache's key of the request as sent, when it may be answered from or stored in the cache. */
  cacheKey: string | undefined = undefined;
  /** The operation's deadline, signal and cache freshness, while it runs (operation-scope.ts). */
  scope: OperationScope | undefined = undefined;
  /** The context the operation ran with, once made: what it read decides whether its answer may be stored. */
  context: GatewayContext | undefined = undefined;
  /** The executed answer, before it is written (send-answer.ts). */
  answer: Answer | undefined = undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The request's URL; a GET by trusted document id has its `query` put in, so later steps see the text. */
    readonly url: URL,
  ) {}
}

/**
 * What a step hands the request to: the rest of the pipeline. A step that has nothing to wait for returns what
 * `next` returns (or nothing when it answered), so passing through it costs no promise.
 */
export type Handler = (x: Exchange) => Promise<void> | void;

/**
 * A step of the pipeline, composed as undici composes interceptors: it gets the rest of the pipeline (`next`) once,
 * when the pipeline is built, and returns its own handler. A step may answer and not call `next`, do something
 * before calling it, or finish the answer once it returns. A step with nothing to do for this server's
 * configuration returns `next` itself, so it costs nothing per request.
 */
export type Step = (next: Handler) => Handler;

/** The steps, first to last, in front of `last`. */
export function compose(steps: readonly Step[], last: Handler): Handler {
  return steps.reduceRight<Handler>((next, step) => step(next), last);
}
