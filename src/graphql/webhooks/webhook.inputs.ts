import { Field, ID, InputType } from "type-graphql";
import { LicenseEventType } from "../events/license-event.type.js";
import type { LicenseEventType as EventType } from "../../domain/license-events.js";

@InputType({ description: "A new webhook: where to POST license events, which ones, and for which API key." })
export class CreateWebhookInput {
  @Field(() => String, {
    description: "An https (or http) URL whose host resolves to public addresses unless the gateway allows private ones.",
  })
  url!: string;

  @Field(() => [LicenseEventType], { nullable: true, description: "The event types to send; null or absent for all of them." })
  types?: EventType[] | null;

  @Field(() => ID, {
    nullable: true,
    description: "The API key it belongs to, whose reach decides what it is sent. Default: the caller's own key; an admin may name any.",
  })
  keyId?: string | null;
}

@InputType({ description: "Disable a webhook: nothing more is sent to it. Disabling twice is not an error." })
export class DisableWebhookInput {
  @Field(() => ID, { description: "The webhook's id (Webhook.id)." })
  id!: string;
}
