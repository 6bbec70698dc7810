import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Register a controller with the gateway, or update it. Omitted fields keep their value; null clears." })
export class UpsertControllerInput {
  @Field(() => ID)
  nodeId!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  serialNumber?: string | null;

  @Field(() => ID, { nullable: true, description: "The gateway customer that owns it." })
  customerId?: string | null;
}
