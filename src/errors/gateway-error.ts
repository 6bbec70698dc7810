import type { ErrorCode } from "./codes.js";

export interface GatewayErrorOptions {
  /** The source id (`sofar`, `local`, ...) the error came from, when it came from one. */
  source?: string;
  /** Path of the offending input field, e.g. ["input", "key"]. */
  field?: string[];
  /** HTTP status the vendor answered with; kept for logs and metrics, never mirrored to the client. */
  upstreamStatus?: number;
  /** Seconds the vendor asked us to wait (429/503 Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * The one error type the gateway's own code throws. Its message is safe to show a client: it is in the gateway's
 * own words, and never contains credentials, tokens, a vendor's path or anything a vendor said (its error text
 * goes to the log: src/sources/vendor-answer.ts). Branch on `code`, never on `message`.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly source: string | undefined;
  readonly field: string[] | undefined;
  readonly upstreamStatus: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.source = options.source;
    this.field = options.field;
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/**
 * Input refused field by field (a vendor's validation, or the gateway checking the vendor's rules first). The
 * problems' messages are the gateway's sentences; a vendor's validation text only decides which one.
 */
export class FieldProblemsError extends GatewayError {
  constructor(
    readonly problems: { field: string[]; message: string }[],
    options: GatewayErrorOptions = {},
  ) {
    // `field` names the first problem, so a top-level error (a query argument) still says where; all of them
    // are in `problems` (and a mutation payload lists one error per problem).
    super("BAD_USER_INPUT", problems.map((p) => `${p.field.join(".")}: ${p.message}`).join("; ") || "the input is invalid", {
      ...options,
      field: options.field ?? problems[0]?.field,
    });
    this.name = "FieldProblemsError";
  }
}

/** Shorthand for input validation failures: the field path is part of the public error. */
export function badInput(field: string[], message: string): GatewayError {
  return new GatewayError("BAD_USER_INPUT", message, { field });
}
