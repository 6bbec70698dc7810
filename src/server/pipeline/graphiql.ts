import { renderGraphiqlPage, type GraphiqlExample } from "../graphiql.js";
import type { Step } from "./exchange.js";
import { send } from "./refuse.js";

/** A browser opening /graphql (a GET asking for HTML, no operation in the URL) gets GraphiQL. */
export function graphiql(options: { examples: GraphiqlExample[]; introspection: boolean; auth: "on" | "off" | undefined }): Step {
  return (next) => (x) => {
    if (x.req.method !== "GET" || x.url.search || !(x.req.headers.accept ?? "").includes("text/html")) return next(x);
    const page = renderGraphiqlPage({
      endpoint: "/graphql",
      title: "License gateway",
      examples: options.examples,
      introspection: options.introspection,
      auth: options.auth,
    });
    send(x.res, 200, "text/html; charset=utf-8", page);
  };
}
