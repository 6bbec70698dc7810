import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { UserError } from "../common/user-error.type.js";
import { PageInfo } from "../common/page-info.type.js";
import { LicenseEventType } from "../events/license-event.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";

/** The GraphQL names are upper case; the values are the store's (src/store/database.ts DeliveryState). */
export enum WebhookDeliveryState {
  PENDING = "pending",
  DELIVERED = "delivered",
  DEAD = "dead",
}

registerEnumType(WebhookDeliveryState, {
  name: "WebhookDeliveryState",
  description: "Where one event's delivery to one webhook stands.",
  valuesConfig: {
    PENDING: { description: "Not delivered yet: it will be tried (again) at `nextAttemptAt`." },
    DELIVERED: { description: "The receiver answered 2xx." },
    DEAD: { description: "Given up on after its last attempt; it is not tried again." },
  },
});

@ObjectType({
  description:
    "A receiver of license events, registered by an API key: it is sent, signed, the events that key may read. Never its secret, which was shown once, by createWebhook.",
})
export class Webhook {
  @Field(() => ID, { description: "The webhook's id, what disableWebhook takes." })
  id!: string;

  @Field(() => String, { description: "Where events are POSTed." })
  url!: string;

  @Field(() => [LicenseEventType], { nullable: true, description: "The event types it is sent; null for all of them." })
  types!: string[] | null;

  @Field(() => DateTimeScalar, { description: "When it was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was disabled; a disabled webhook is sent nothing more." })
  disabledAt!: Date | null;

  @Field(() => ID, { description: "The API key it belongs to (ApiKey.id); it is sent what that key may read." })
  keyId!: string;
}

@ObjectType({ description: "One event's delivery to one webhook: when it was tried and how the receiver answered (its status only)." })
export class WebhookDelivery {
  @Field(() => ID, { description: "The delivery's id." })
  id!: string;

  @Field(() => String, { description: "The event's cursor (LicenseEvent.cursor)." })
  cursor!: string;

  @Field(() => WebhookDeliveryState, { description: "Where it stands." })
  state!: WebhookDeliveryState;

  @Field(() => Int, { description: "How many times it was tried." })
  attempts!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was last tried; null if never." })
  lastAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it is tried next; null once delivered or dead." })
  nextAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status at the last attempt; null when none came." })
  lastStatus!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Why the last attempt failed (e.g. TIMEOUT, HTTP_STATUS, ADDRESS_REFUSED); null when it did not fail.",
  })
  lastErrorCode!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was queued." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the receiver accepted it; null until then." })
  deliveredAt!: Date | null;
}

@ObjectType({ description: "A delivery and its place in the log." })
export class WebhookDeliveryEdge {
  @Field(() => String, { description: "Pass it as `after` to get the deliveries after this one." })
  cursor!: string;

  @Field(() => WebhookDelivery, { description: "The delivery." })
  node!: WebhookDelivery;
}

@ObjectType({ description: "A page of a webhook's delivery log, newest event first (Relay cursor connection; forward only)." })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge], { description: "This page's deliveries." })
  edges!: WebhookDeliveryEdge[];

  @Field(() => PageInfo, { description: "Where this page stands, and the cursor to get the next one." })
  pageInfo!: PageInfo;
}

@ObjectType({ description: "The result of createWebhook: the webhook and its signing secret, shown this once, or why not." })
export class CreateWebhookPayload {
  @Field(() => Webhook, { nullable: true, description: "The new webhook; null when `errors` is not empty." })
  webhook!: unknown;

  @Field(() => String, {
    nullable: true,
    description: "The secret (`whsec_...`) the receiver verifies each delivery's signature with. Shown only here: store it now.",
  })
  secret!: string | null;

  @Field(() => [UserError], {
    description:
      "Empty on success. Codes: BAD_USER_INPUT (URL, types, too many webhooks), FORBIDDEN (another key's webhook, or no API key), NOT_FOUND (an unknown key).",
  })
  errors!: UserError[];
}

@ObjectType({ description: "The result of disableWebhook: the webhook as it now stands, or why not." })
export class WebhookPayload {
  @Field(() => Webhook, { nullable: true, description: "The webhook after the change; null when `errors` is not empty." })
  webhook!: unknown;

  @Field(() => [UserError], {
    description: "Empty on success. Codes: BAD_USER_INPUT, NOT_FOUND (no such webhook, or one the caller may not manage).",
  })
  errors!: UserError[];
}
