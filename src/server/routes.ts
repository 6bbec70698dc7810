import type { IncomingMessage, ServerResponse } from "node:http";
import type { MetricsEndpoint } from "../observability/metrics-endpoint.js";
import { SHUTTING_DOWN, type Readiness } from "./health.js";
import { send } from "./pipeline/refuse.js";
import { acceptsEventStream } from "./sse/graphql-over-sse.js";

/** What answers one path. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface RouteOptions {
  /** The /graphql pipeline (pipeline/pipeline.ts). */
  graphql: Route;
  /** GraphQL over Server-Sent Events (sse/): a /graphql request that accepts text/event-stream; absent, none is served. */
  graphqlOverSse?: Route | undefined;
  /** The checks behind /readyz (health.ts). */
  readiness: () => Promise<Readiness>;
  /** Whether the server is shutting down (connection-drain.ts): /readyz then says 503. */
  draining: () => boolean;
  metrics: MetricsEndpoint | undefined;
  /** Paths answered under a prefix (the demo's `/demo/licenses/`), after the exact paths above. */
  prefixed?: ReadonlyArray<PrefixedRoute> | undefined;
}

/** A route for every path that starts with `prefix` (which ends with "/"). */
export interface PrefixedRoute {
  prefix: string;
  route: Route;
}

/** The route for `pathname`: an exact path first, then the first prefix it starts with; undefined for none. */
export function routeFor(
  table: Map<string, Route>,
  prefixed: ReadonlyArray<PrefixedRoute> | undefined,
  pathname: string,
): Route | undefined {
  return table.get(pathname) ?? prefixed?.find((p) => pathname.startsWith(p.prefix))?.route;
}

/** Every path the server answers; anything else is a 404 that says where the API is. */
export function routeTable(o: RouteOptions): Map<string, Route> {
  const table = new Map<string, Route>([
    [
      "/graphql",
      // One endpoint for both protocols, as the GraphQL-over-SSE spec suggests: the Accept header decides.
      o.graphqlOverSse ? (req, res, url) => (acceptsEventStream(req) ? o.graphqlOverSse! : o.graphql)(req, res, url) : o.graphql,
    ],
    ["/healthz", (_req, res) => send(res, 200, "application/json", '{"status":"ok"}')],
    // Alive while the process runs, draining included; ready only when health.ts says so and not shutting down.
    [
      "/readyz",
      async (_req, res) => {
        const readiness = o.draining() ? SHUTTING_DOWN : await o.readiness();
        send(res, readiness.ready ? 200 : 503, "application/json", JSON.stringify(readiness.body));
      },
    ],
    ["/", (_req, res) => void res.writeHead(302, { location: "/graphql" }).end()],
  ]);
  // The config refuses a metrics path that is one of the above.
  if (o.metrics) table.set(o.metrics.path, (req, res) => o.metrics!.serve(req, res));
  return table;
}

export const notFound: Route = (_req, res) => send(res, 404, "application/json", '{"error":"not found; the API is at /graphql"}');
