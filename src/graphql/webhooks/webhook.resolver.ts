import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { DeliveryRow } from "../../store/webhooks.js";
import { encodePageCursor } from "../../store/page-cursor.js";
import { MAX_DELIVERY_PAGE, type WebhookInfo } from "../../webhooks/webhook-admin.js";
import type { GatewayContext } from "../context.js";
import { CreateWebhookInput, DisableWebhookInput } from "./webhook.inputs.js";
import { CreateWebhookPayload, Webhook, WebhookDeliveryConnection, WebhookDeliveryState, WebhookPayload } from "./webhook.type.js";

@ArgsType()
class DeliveryLogArgs {
  @Field(() => Int, { nullable: true, description: `At most this many deliveries, 0 to ${MAX_DELIVERY_PAGE}; 20 by default.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "An edge's `cursor` (or `pageInfo.endCursor`): only deliveries after it." })
  after?: string | null;
}

/** Thin: the WebhookAdmin service (src/webhooks/webhook-admin.ts) authorizes, validates, writes and audits. */
@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], {
    description:
      "The active webhooks the caller manages, oldest first: an admin's, any key's (or `keyId`'s); anyone else's, its own API key's only.",
  })
  webhooks(
    @Arg("keyId", () => ID, { nullable: true, description: "Admins: only this key's webhooks. Ignored for anyone else." })
    keyId: string | null,
    @Arg("includeDisabled", () => Boolean, { nullable: true, description: "Disabled webhooks too; default false." })
    includeDisabled: boolean | null,
    @Ctx() ctx: GatewayContext,
  ) {
    return ctx.mutations.webhooks.listWebhooks({ keyId, includeDisabled });
  }

  @FieldResolver(() => WebhookDeliveryConnection, {
    description: "The webhook's delivery log, newest event first: what was sent, when, and how the receiver answered.",
  })
  async deliveries(@Root() webhook: WebhookInfo, @Args(() => DeliveryLogArgs) args: DeliveryLogArgs, @Ctx() ctx: GatewayContext) {
    const page = await ctx.mutations.webhooks.deliveries({ webhookId: webhook.id, first: args.first, after: args.after });
    const edges = page.rows.map((row) => ({ cursor: encodePageCursor([row.cursor]), node: deliveryOf(row) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        // Forward paging only: whether anything came before is only known when `after` was given.
        hasPreviousPage: args.after != null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: page.endCursor,
      },
    };
  }

  @Mutation(() => CreateWebhookPayload, {
    description: "Register a webhook for an API key. Its signing secret is in the payload, and nowhere else ever again.",
  })
  createWebhook(@Arg("input", () => CreateWebhookInput) input: CreateWebhookInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.webhooks.createWebhook(input);
  }

  @Mutation(() => WebhookPayload, { description: "Disable a webhook: nothing more is sent to it, pending deliveries included." })
  disableWebhook(@Arg("input", () => DisableWebhookInput) input: DisableWebhookInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.webhooks.disableWebhook(input);
  }
}

function deliveryOf(row: DeliveryRow) {
  return { ...row, cursor: String(row.cursor), state: row.state as WebhookDeliveryState };
}
