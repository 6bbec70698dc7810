import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { UserError } from "../common/user-error.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";

/** The GraphQL names are upper case; the values are the store's and the JWT `role` claim's. */
export enum Role {
  ADMIN = "admin",
  PARTNER = "partner",
  CUSTOMER = "customer",
}

registerEnumType(Role, {
  name: "Role",
  description: "What a client may see and do.",
  valuesConfig: {
    ADMIN: { description: "Everything, including the federation map, the controller registry and API keys." },
    PARTNER: { description: "The customers granted to it, and their accounts, licenses, controllers and profiles." },
    CUSTOMER: { description: "Itself only: its accounts, licenses, controllers and profile." },
  },
});

@ObjectType({ description: "A client's API key, without its secret (only a hash of that is kept)." })
export class ApiKey {
  @Field(() => ID, { description: "The key's public id: the `<id>` in `lgw_<id>_<secret>`, and what revokeApiKey takes." })
  id!: string;

  @Field(() => String, { description: "Who or what it is for, as the admin named it." })
  name!: string;

  @Field(() => Role, { description: "What it may see and do." })
  role!: Role;

  @Field(() => ID, { nullable: true, description: "For a CUSTOMER key, the customer it acts as; null otherwise." })
  customerId!: string | null;

  @Field(() => [ID], { description: "For a PARTNER key, the customers granted to it; empty otherwise." })
  grants!: string[];

  @Field(() => DateTimeScalar, { description: "When it was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was revoked; a revoked key is refused (UNAUTHENTICATED)." })
  revokedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was last used, to the minute; null if never." })
  lastUsedAt!: Date | null;
}

@ObjectType({ description: "The result of createApiKey: the key and its secret, shown this once, or why not." })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The new key; null when `errors` is not empty." })
  apiKey!: unknown;

  @Field(() => String, {
    nullable: true,
    description: "The whole key to send as `Authorization: Bearer <secret>`. Shown only here: the gateway keeps a hash, so store it now.",
  })
  secret!: string | null;

  @Field(() => [UserError], {
    description: "Empty on success. Codes: FORBIDDEN (not an admin), BAD_USER_INPUT, NOT_FOUND (an unknown customer).",
  })
  errors!: UserError[];
}

@ObjectType({ description: "The result of revokeApiKey, grantCustomer and revokeGrant: the key as it now stands, or why not." })
export class ApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: "The key after the change; null when `errors` is not empty." })
  apiKey!: unknown;

  @Field(() => [UserError], {
    description: "Empty on success. Codes: FORBIDDEN (not an admin), BAD_USER_INPUT, NOT_FOUND (an unknown key or customer).",
  })
  errors!: UserError[];
}
