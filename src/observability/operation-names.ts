/** The longest operation name a log line or a span keeps: the name is the client's, and a document may make it any length. */
export const MAX_LOGGED_NAME = 100;

/** An operation name as logs and spans record it: cut to MAX_LOGGED_NAME characters, with "…" when it was cut. */
export function loggedOperationName<T extends string | null | undefined>(name: T): T | string {
  return typeof name === "string" && name.length > MAX_LOGGED_NAME ? `${name.slice(0, MAX_LOGGED_NAME)}…` : name;
}

/** A GraphQL name of at most 64 characters: what a label may carry as it is. */
const LABEL_SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The label of an operation without a name. */
export const ANONYMOUS = "anonymous";
/** The label of a name that is malformed, too long, or beyond the first `max` distinct names. */
export const OTHER = "other";

/**
 * Operation names come from clients, and every distinct label value is a new time series in Prometheus, so the
 * label is bounded twice: only short GraphQL names pass, and only the first `max` distinct ones; everything else
 * is "other". A name is admitted only for an operation that resolved against the schema (an authenticated client
 * sent a valid document naming it), so garbage sent to be refused cannot take the places of real names.
 */
export class OperationNames {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  /** The label for `name`; with `admit`, a new valid name takes a free place. */
  label(name: string | null | undefined, admit: boolean): string {
    if (name === null || name === undefined || name === "") return ANONYMOUS;
    if (this.known.has(name)) return name;
    if (!admit || this.known.size >= this.max || !LABEL_SAFE_NAME.test(name)) return OTHER;
    this.known.add(name);
    return name;
  }
}
