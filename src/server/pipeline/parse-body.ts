import type { GraphQLError } from "graphql";
import { parseRequestBody } from "../request-body.js";
import type { Exchange, Step } from "./exchange.js";
import type { Refuse } from "./refuse.js";

/** Parses the POST body once (JSON content types; any other body stays text, for the protocol step to refuse). */
export function parsedBody(x: Exchange): GraphQLError | undefined {
  if (x.bodyParsed || x.text === undefined) return undefined;
  const parsed = parseRequestBody(x.req, x.text);
  if (!parsed.ok) return parsed.error;
  x.body = parsed.body;
  x.bodyParsed = true;
  return undefined;
}

/**
 * Parsed after the response cache was consulted: its key is the request as sent, so a hit costs no parsing (the
 * same bytes were parsed, checked and executed when the answer was stored).
 */
export function parseBody(refuse: Refuse): Step {
  return (next) => (x) => {
    const refusal = parsedBody(x);
    if (refusal) return refuse(x, refusal);
    return next(x);
  };
}
