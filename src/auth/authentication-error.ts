import { GatewayError } from "../errors/gateway-error.js";

/**
 * The client did not prove who it is: no credentials, or credentials the gateway does not accept. The message
 * says which, for the client's developer, and never quotes the credential. `invalidToken` selects RFC 6750's
 * `error="invalid_token"` in the WWW-Authenticate challenge (credentials were sent, and refused).
 */
export class AuthenticationError extends GatewayError {
  constructor(
    message: string,
    readonly invalidToken: boolean,
  ) {
    super("UNAUTHENTICATED", message);
    this.name = "AuthenticationError";
  }
}

export const REALM = "license-gateway";

/** The WWW-Authenticate header for a refused request (RFC 6750 §3). */
export function challenge(error: AuthenticationError): string {
  if (!error.invalidToken) return `Bearer realm="${REALM}"`;
  // error_description must not contain '"' or '\'; our messages are plain, but make sure.
  return `Bearer realm="${REALM}", error="invalid_token", error_description="${error.message.replace(/["\\]/g, "'")}"`;
}
