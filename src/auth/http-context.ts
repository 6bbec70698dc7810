import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { Logger } from "../logger.js";
import type { Authenticator } from "./authenticate.js";
import { AuthenticationError, challenge } from "./authentication-error.js";
import type { Principal } from "./principal.js";

/**
 * The request's principal: a context is built only for an authenticated one. A refused request gets HTTP 401
 * with a `WWW-Authenticate: Bearer` challenge and one UNAUTHENTICATED error, and nothing is executed.
 *
 * Why 401 and not 200: the request is refused as a whole before any field runs, like a malformed request
 * (which GraphQL over HTTP also answers with a 4xx), and 401 + WWW-Authenticate is what HTTP clients, proxies
 * and monitoring understand as "credentials missing or refused" (RFC 9110 §15.5.2, RFC 6750 §3). The body is
 * still a GraphQL response, so GraphQL clients read the code as usual. FORBIDDEN, by contrast, concerns one
 * field or mutation inside an executed operation, so it stays a GraphQL error in a 200.
 */
export function requestAuthenticator(authenticator: Authenticator, logger: Logger): (req: IncomingMessage) => Promise<Principal> {
  return async (req) => {
    try {
      return await authenticator.authenticate(req.headers.authorization);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        throw new GraphQLError(error.message, {
          extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: new Map([["www-authenticate", challenge(error)]]) } },
        });
      }
      // Otherwise the response would say "Context creation failed: <message>", and the message may carry internals.
      logger.error({ err: error }, "authentication could not be checked");
      throw new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR", http: { status: 500 } } });
    }
  };
}
