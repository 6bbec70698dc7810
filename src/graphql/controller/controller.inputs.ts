import { IdempotentInput } from "../common/idempotent.input.js";
import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Register a controller with the gateway, or update it. Omitted fields keep their value; null clears." })
export class UpsertControllerInput extends IdempotentInput {
  @Field(() => ID, { description: "The controller's node id, 1 to 100 characters." })
  nodeId!: string;

  @Field(() => String, { nullable: true, description: "A name people recognise it by." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "The serial number printed on the device." })
  serialNumber?: string | null;

  @Field(() => ID, { nullable: true, description: "The gateway customer that owns it." })
  customerId?: string | null;
}
