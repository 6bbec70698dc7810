import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { Principal } from "../../auth/principal.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { Handler } from "./exchange.js";

/** The last step: the operation, run by Apollo Server over the request as the steps before left it. */
export function apolloExecution(apollo: ApolloServer<GatewayContext>, createContext: (principal: Principal) => GatewayContext): Handler {
  return async (x) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(x.req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      // url.search as possibly rewritten: a GET by documentId carries the document's text from here on.
      httpGraphQLRequest: { method: x.req.method ?? "GET", headers, search: x.url.search, body: x.body },
      context: async () => {
        if (!x.principal) throw x.authError;
        return (x.context = createContext(x.principal));
      },
    });
    // The schema has no @defer or @stream, so every answer is complete.
    if (result.body.kind !== "complete") throw new Error("an incremental answer, which the gateway does not serve");
    x.answer = { status: result.status ?? 200, headers: new Map([...result.headers].filter(([name]) => name !== "content-length")), body: result.body.string };
  };
}
