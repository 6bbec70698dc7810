import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "Why a mutation did not do what was asked; nothing was changed. Branch on `code`, not on `message`." })
export class UserError {
  @Field(() => String, { description: "A stable code from the README's table, e.g. LICENSE_ALREADY_CLAIMED." })
  code!: string;

  @Field(() => String, { description: "For people; may change between versions." })
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "key"].' })
  field!: string[] | null;

  @Field(() => ID, { nullable: true, description: "The source that reported it, if a source did." })
  source!: string | null;
}
