import { checkRequestLimits, type OperationLimits } from "../limits.js";
import type { Step } from "./exchange.js";
import type { Refuse } from "./refuse.js";

/** The limits checked before anything is parsed as GraphQL (../limits.ts): tokens, bracket nesting, variables, batch size. */
export function requestLimits(limits: OperationLimits, refuse: Refuse): Step {
  return (next) => (x) => {
    const refusal = checkRequestLimits(x.req.method === "GET" ? getParameters(x.url.searchParams) : x.body, limits);
    if (refusal) return refuse(x, refusal);
    return next(x);
  };
}

/** A GET request's operation, for the limits; the protocol step reads and checks the parameters itself. */
function getParameters(search: URLSearchParams): { query: string | null; variables: unknown } {
  const variables = search.get("variables");
  let parsed: unknown;
  try {
    parsed = variables === null ? undefined : JSON.parse(variables);
  } catch {
    parsed = undefined; // refused by the protocol step as BAD_REQUEST
  }
  return { query: search.get("query"), variables: parsed };
}
