import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from "../common/connection.js";
import { LicenseEventType } from "./license-event.type.js";

@InputType({ description: "Which license events to get; an absent field matches every event. Always within what the caller may see." })
export class LicenseEventFilter {
  @Field(() => ID, {
    nullable: true,
    description: "Only this customer's licenses. A customer the caller may not see has no events for it (no error).",
  })
  customerId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only this source's licenses." })
  source?: string | null;

  @Field(() => [LicenseEventType], { nullable: true, description: "Only these types of event." })
  types?: string[] | null;
}

@ArgsType()
export class LicenseEventsConnectionArgs {
  @Field(() => LicenseEventFilter, { nullable: true, description: "Which events; default all the caller may see." })
  filter?: LicenseEventFilter | null;

  @Field(() => Int, {
    nullable: true,
    description: `At most this many events, oldest first. 0 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "A cursor (`endCursor`, an event's `cursor`, or `0` for the oldest kept): only events after it.",
  })
  after?: string | null;
}
