import { IdempotentInput } from "../common/idempotent.input.js";
import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "The customer's id at one source." })
export class CustomerAccountInput {
  @Field(() => ID, { description: "A configured vendor source (not `local`)." })
  source!: string;

  @Field(() => String, { description: "The vendor's id for the customer (for Eniris, the company UUID)." })
  externalId!: string;
}

@InputType({ description: "Create a customer (no id, or a new one) or update one; `accounts` replaces the customer's accounts." })
export class UpsertCustomerInput extends IdempotentInput {
  @Field(() => ID, {
    nullable: true,
    description:
      "Omit to create with a generated id (a uuid). A new id is 1 to 200 characters without ':', not a source's id (nor \"local\") and not 16 hex " +
      "digits, so that it can never equal another object's id (see Node); anything else is BAD_USER_INPUT.",
  })
  id?: string | null;

  @Field(() => String, { description: "1 to 200 characters." })
  name!: string;

  @Field(() => [CustomerAccountInput], { nullable: true, description: "Omitted or null means no accounts." })
  accounts?: CustomerAccountInput[] | null;
}
