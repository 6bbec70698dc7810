import { Field, ID, InputType } from "type-graphql";
import { Role } from "./api-key.type.js";

@InputType({ description: "A new API key. A CUSTOMER key names its customer; a PARTNER key may be granted customers now or later." })
export class CreateApiKeyInput {
  @Field(() => String, { description: 'Who or what it is for, 1 to 200 characters (e.g. "ops" or "Installer Peeters").' })
  name!: string;

  @Field(() => Role, { description: "What it may see and do." })
  role!: Role;

  @Field(() => ID, {
    nullable: true,
    description: "Required for a CUSTOMER key: the customer it acts as. Not allowed for the other roles.",
  })
  customerId?: string | null;

  @Field(() => [ID], { nullable: true, description: "For a PARTNER key: the customers it may see. Not allowed for the other roles." })
  grants?: string[] | null;
}

@InputType({ description: "Revoke an API key: it is refused from the next request on. Revoking twice is not an error." })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: "The key's id (ApiKey.id)." })
  id!: string;
}

@InputType({ description: "A customer granted to (or taken from) a partner key." })
export class GrantInput {
  @Field(() => ID, { description: "The partner key's id (ApiKey.id)." })
  apiKeyId!: string;

  @Field(() => ID, { description: "The customer's id." })
  customerId!: string;
}
