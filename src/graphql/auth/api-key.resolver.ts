import { Arg, Ctx, Extensions, Mutation, Query, Resolver } from "type-graphql";
import { LIVE } from "../live-fields.js";
import type { GatewayContext } from "../context.js";
import { CreateApiKeyInput, GrantInput, RevokeApiKeyInput } from "./api-key.inputs.js";
import { ApiKey, ApiKeyPayload, CreateApiKeyPayload } from "./api-key.type.js";

/** Thin: the ApiKeyAdmin service checks the role, validates, writes and audits. */
@Resolver()
export class ApiKeyResolver {
  // Live: a key's lastUsedAt changes with every request made with it.
  @Extensions(LIVE)
  @Query(() => [ApiKey], {
    nullable: true,
    description: "Every API key, revoked ones included. Admins only: anyone else gets null and a FORBIDDEN error.",
  })
  apiKeys(@Ctx() ctx: GatewayContext) {
    return ctx.mutations.apiKeys.list();
  }

  @Mutation(() => CreateApiKeyPayload, {
    description: "Create an API key (admins only). Its secret is in the payload, and nowhere else ever again.",
  })
  createApiKey(@Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.apiKeys.createApiKey(input);
  }

  @Mutation(() => ApiKeyPayload, { description: "Revoke an API key (admins only)." })
  revokeApiKey(@Arg("input", () => RevokeApiKeyInput) input: RevokeApiKeyInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.apiKeys.revokeApiKey(input);
  }

  @Mutation(() => ApiKeyPayload, { description: "Let a partner key see a customer (admins only). Granting twice is not an error." })
  grantCustomer(@Arg("input", () => GrantInput) input: GrantInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.apiKeys.grantCustomer(input);
  }

  @Mutation(() => ApiKeyPayload, {
    description: "Stop a partner key seeing a customer (admins only). Revoking a grant it does not have is not an error.",
  })
  revokeGrant(@Arg("input", () => GrantInput) input: GrantInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.apiKeys.revokeGrant(input);
  }
}
