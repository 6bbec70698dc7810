import { Extensions, Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LIVE } from "../live-fields.js";
import { DateTimeScalar } from "../scalars/date-time.js";

export enum SourceState {
  OK = "OK",
  FAILING = "FAILING",
  UNKNOWN = "UNKNOWN",
}

registerEnumType(SourceState, {
  name: "SourceState",
  description: "How the gateway's recent calls to a source went.",
  valuesConfig: {
    OK: { description: "The last call succeeded." },
    FAILING: { description: "The last call failed; see lastErrorCode." },
    UNKNOWN: { description: "No call yet since the gateway started." },
  },
});

export enum CircuitState {
  CLOSED = "CLOSED",
  OPEN = "OPEN",
  HALF_OPEN = "HALF_OPEN",
}

registerEnumType(CircuitState, {
  name: "CircuitState",
  description: "The gateway's circuit breaker for a source: whether it calls the source or fails fast.",
  valuesConfig: {
    CLOSED: { description: "Calls go through (the normal state; the gateway's own store is always CLOSED)." },
    OPEN: { description: "Too many recent calls failed: calls fail fast with UPSTREAM_UNAVAILABLE, without reaching the source." },
    HALF_OPEN: {
      description: "The open period is over: one probe call is let through; its success closes the circuit, its failure opens it again.",
    },
  },
});

/** Health fields are `@Extensions(LIVE)`: they change with every call, so no response holding one is reused. */
@ObjectType({ description: "A place licenses come from: a configured vendor instance, or the gateway's own store (`local`)." })
export class Source {
  @Field(() => ID, {
    description:
      'The id from the configuration, e.g. "sofar"; "local" is the gateway\'s own store. No customer may have a source\'s id (see Node).',
  })
  id!: string;

  @Field(() => String, { description: 'The kind of API behind it: "eniris", "local", ...' })
  kind!: string;

  @Extensions(LIVE)
  @Field(() => SourceState, { description: "How the gateway's most recent call to it went." })
  state!: SourceState;

  @Extensions(LIVE)
  @Field(() => String, { nullable: true, description: "The error code of the last failed call." })
  lastErrorCode!: string | null;

  @Extensions(LIVE)
  @Field(() => DateTimeScalar, { nullable: true, description: "When a call last failed (since the gateway started)." })
  lastErrorAt!: Date | null;

  @Extensions(LIVE)
  @Field(() => DateTimeScalar, { nullable: true, description: "When a call last succeeded (since the gateway started)." })
  lastSuccessAt!: Date | null;

  @Extensions(LIVE)
  @Field(() => CircuitState, { description: "The circuit breaker's state for this source." })
  circuit!: CircuitState;

  @Extensions(LIVE)
  @Field(() => Int, {
    nullable: true,
    description:
      "Median time of the upstream calls to this source in the recent window (the circuit's rolling window), in milliseconds; null when there were none.",
  })
  latencyP50Ms!: number | null;

  @Extensions(LIVE)
  @Field(() => Int, {
    nullable: true,
    description:
      "95th-percentile time of the upstream calls to this source in the recent window, in milliseconds; null when there were none.",
  })
  latencyP95Ms!: number | null;

  @Extensions(LIVE)
  @Field(() => Float, {
    nullable: true,
    description:
      "Share of this source's operations that failed with an UPSTREAM_* code in the recent window, from 0 to 1; null when there were none.",
  })
  errorRate!: number | null;
}
