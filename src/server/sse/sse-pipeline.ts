import { authenticate } from "../pipeline/authenticate.js";
import { cors } from "../pipeline/cors.js";
import { compose, type Handler } from "../pipeline/exchange.js";
import { parseBody } from "../pipeline/parse-body.js";
import type { PipelineOptions } from "../pipeline/pipeline.js";
import { rateLimit } from "../pipeline/rate-limit.js";
import { readBody } from "../pipeline/read-body.js";
import { requestLimits } from "../pipeline/request-limits.js";
import { trustedDocuments } from "../pipeline/trusted-documents.js";

export type SsePipelineOptions = Pick<
  PipelineOptions,
  "authenticate" | "cors" | "limits" | "rateLimiter" | "trustedDocuments" | "telemetry" | "logger" | "refuse"
>;

/**
 * A /graphql request asking for an event stream (GraphQL over SSE), step by step: the steps of the /graphql
 * pipeline (../pipeline/pipeline.ts) that concern who asks and what it may send, in the same order, so a stream is
 * admitted exactly as a request is: CORS, the body, authentication, the rate limit (one stream, one request),
 * trusted documents (a locked key subscribes only with a published document; a document named by id is put in the
 * request) and the request limits. The steps about answers (the response cache, caching headers, the replicas'
 * cache sync, the operation's deadline) have nothing to do for a stream and are left out. So is CSRF prevention
 * (it lives in the GraphQL-over-HTTP step): an EventSource cannot add the header it asks for, and nothing is at
 * stake, since only subscriptions are served here and credentials are an explicit Authorization header, never an
 * ambient cookie a cross-site page could borrow.
 */
export function ssePipeline(o: SsePipelineOptions, stream: Handler): Handler {
  const { refuse } = o;
  const documents = { lookup: o.trustedDocuments, telemetry: o.telemetry, logger: o.logger, refuse };
  return compose(
    [
      cors(o.cors, refuse),
      readBody(o.limits.maxBodyBytes, refuse),
      authenticate(o.authenticate),
      rateLimit(o.rateLimiter, refuse),
      // Both placements, as on /graphql: the first checks keys with documents, the second everyone else; with no
      // response cache in between, they run one after the other.
      trustedDocuments("before the cache", documents),
      parseBody(refuse),
      trustedDocuments("after the cache", documents),
      requestLimits(o.limits, refuse),
    ],
    stream,
  );
}
