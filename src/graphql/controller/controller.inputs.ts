import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Register a controller with the gateway, or update it. Omitted fields keep their value; null clears." })
export class UpsertControllerInput {
  @Field(() => String, {
    nullable: true,
    description: "Any string of yours (a UUID, say), 1 to 200 printable characters: a repeat with the same key and input returns the first result without doing it again.",
  })
  idempotencyKey?: string | null;

  @Field(() => ID, { description: "The controller's node id, 1 to 100 characters." })
  nodeId!: string;

  @Field(() => String, { nullable: true, description: "A name people recognise it by." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "The serial number printed on the device." })
  serialNumber?: string | null;

  @Field(() => ID, { nullable: true, description: "The gateway customer that owns it." })
  customerId?: string | null;
}
