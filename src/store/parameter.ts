/**
 * Stands for the `index`-th argument of a prepared read while its query is built and compiled (prepared.ts), in
 * the place of the value: Kysely binds it as it would any value, so it comes out of the compiler among the
 * query's parameters, where each run binds the argument instead.
 */
export class Parameter {
  constructor(
    readonly index: number,
    private readonly derive: (argument: unknown) => unknown = (argument) => argument,
  ) {}

  /** What is bound in this parameter's place when the read runs with `args`. */
  valueIn(args: readonly unknown[]): unknown {
    return this.derive(args[this.index]);
  }

  /** The same argument, bound as `encode` makes it. */
  map(encode: (value: unknown) => unknown): Parameter {
    return new Parameter(this.index, (argument) => encode(this.derive(argument)));
  }
}

/**
 * `value` as an engine binds it, `encode(value)`: how the dialects bind a list as one parameter (JSON text on
 * SQLite, an array on PostgreSQL). For a prepared read's Parameter the encoding waits for each run, so a read
 * that takes a list is compiled once like any other.
 */
export function encoded<T>(value: T, encode: (value: T) => unknown): unknown {
  return value instanceof Parameter ? value.map(encode as (value: unknown) => unknown) : encode(value);
}
