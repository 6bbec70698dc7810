import { Field, ID, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars/date-time.js";
import { Node } from "../node/node.type.js";

@ObjectType({ implements: Node, description: "An edge device that steers solar, batteries and EV chargers; licenses are claimed for it." })
export class Controller {
  @Field(() => ID, { description: "The controller's node id, the same at every source." })
  nodeId!: string;
}

@ObjectType({ description: "A link between a license and the controller it was claimed for." })
export class Datalink {
  @Field(() => ID, {
    description:
      'Unique across sources and types (see Node): "<source>:dl:<vendor id>" when the vendor\'s own id is known, otherwise "<source>:dl:<license>@<nodeId>".',
  })
  id!: string;

  @Field(() => ID, { nullable: true, description: "The controller's node id; null when the gateway cannot know it (never guessed)." })
  nodeId!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the link was made, when known." })
  createdAt!: Date | null;
}
