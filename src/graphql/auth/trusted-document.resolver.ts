import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { ApiKeyInfo } from "../../auth/key-admin.js";
import type { GatewayContext } from "../context.js";
import { ApiKey, ApiKeyPayload } from "./api-key.type.js";
import {
  PublishTrustedDocumentsInput,
  PublishTrustedDocumentsPayload,
  SetApiKeyLockedInput,
  TrustedDocument,
} from "./trusted-document.type.js";

/** Thin: the TrustedDocumentAdmin service (src/documents/) checks the role, validates, writes and audits. */
@Resolver(() => ApiKey)
export class TrustedDocumentResolver {
  @FieldResolver(() => Boolean, { description: "Whether the key runs only its trusted documents (see setApiKeyLocked)." })
  locked(@Root() key: ApiKeyInfo): boolean {
    return key.documentsLocked;
  }

  // Only admins see ApiKey objects at all (Query.apiKeys and the key mutations check), so the list needs no check of its own.
  @FieldResolver(() => [TrustedDocument], { description: "The documents published for this key, by operation name." })
  trustedDocuments(@Root() key: ApiKeyInfo, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.documents.list(key.id);
  }

  @Mutation(() => PublishTrustedDocumentsPayload, {
    description:
      "Publish trusted documents for an API key (admins only), from the client's manifest: the key's client may then send them by id, and, once the key is locked, nothing else.",
  })
  publishTrustedDocuments(
    @Arg("input", () => PublishTrustedDocumentsInput) input: PublishTrustedDocumentsInput,
    @Ctx() ctx: GatewayContext,
  ) {
    return ctx.mutations.documents.publish(input);
  }

  @Mutation(() => ApiKeyPayload, {
    description: "Lock an API key to its trusted documents, or unlock it (admins only). Takes effect from the key's next request.",
  })
  setApiKeyLocked(@Arg("input", () => SetApiKeyLockedInput) input: SetApiKeyLockedInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.documents.setLocked(input);
  }
}
