import type { Principal } from "../../auth/principal.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { GraphQLOverHttp } from "../graphql-over-http/graphql-over-http.js";
import type { Handler } from "./exchange.js";

/**
 * The last step: the operation (or batch) the request carries, run by GraphQL over HTTP (../graphql-over-http/) on
 * the request as the steps before left it. Its answer goes back through the steps, which finish and send it.
 */
export function graphql(run: GraphQLOverHttp<GatewayContext>, createContext: (principal: Principal) => GatewayContext): Handler {
  return async (x) => {
    const response = await run(
      // url.search as possibly rewritten: a GET by documentId carries the document's text from here on.
      { method: x.req.method ?? "GET", headers: x.req.headers, search: x.url.search, body: x.body },
      () => {
        if (!x.principal) throw x.authError;
        return (x.context = createContext(x.principal));
      },
    );
    x.answer = { status: response.status ?? 200, headers: response.headers, body: response.body };
  };
}
