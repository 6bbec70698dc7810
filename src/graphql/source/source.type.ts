import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
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

@ObjectType({ description: "A place licenses come from: a configured vendor instance, or the gateway's own store (`local`)." })
export class Source {
  @Field(() => ID, { description: 'The id from the configuration, e.g. "sofar"; "local" is the gateway\'s own store.' })
  id!: string;

  @Field(() => String, { description: 'The kind of API behind it: "eniris", "local", ...' })
  kind!: string;

  @Field(() => SourceState, { description: "How the gateway's most recent call to it went." })
  state!: SourceState;

  @Field(() => String, { nullable: true, description: "The error code of the last failed call." })
  lastErrorCode!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a call last failed (since the gateway started)." })
  lastErrorAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a call last succeeded (since the gateway started)." })
  lastSuccessAt!: Date | null;
}
