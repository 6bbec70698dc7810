import { Field, InputType } from "type-graphql";

/** Every mutation input can carry an idempotency key; the inputs extend this so the field is declared once. */
@InputType({ description: "Shared by every mutation input." })
export abstract class IdempotentInput {
  @Field(() => String, {
    nullable: true,
    description:
      "Any string of yours (a UUID, say), 1 to 200 printable characters: a repeat with the same key and input returns the first result without doing it again.",
  })
  idempotencyKey?: string | null;
}
