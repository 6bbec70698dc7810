import { Args, ArgsType, Ctx, Field, Query, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { EventStreamOverflow, type LicenseEventStream } from "../../events/event-stream.js";
import type { LicenseEvent as StoredEvent } from "../../domain/license-events.js";
import { badInput, GatewayError } from "../../errors/gateway-error.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../common/connection.js";
import type { GatewayContext } from "../context.js";
import { LicenseEventFilter, LicenseEventsConnectionArgs } from "./license-event.inputs.js";
import { LicenseEvent, LicenseEventConnection } from "./license-event.type.js";
import { domainFilter, eventView, parseEventCursor } from "./license-event.view.js";

/**
 * The root value a transport gives a `licenseEvents` subscription (src/server/sse/): where the client resumes
 * from when it says so outside the operation (the `Last-Event-ID` header of a reconnecting EventSource), and a slot
 * where the subscription leaves its stream, so the transport can label each message with its event's cursor and end
 * the stream (a `complete` message) when the server shuts down.
 */
export interface LicenseEventsRoot {
  lastEventId?: string | undefined;
  stream?: Pick<LicenseEventStream, "lastCursor" | "return"> | undefined;
}

@ArgsType()
class LicenseEventsArgs {
  @Field(() => LicenseEventFilter, { nullable: true, description: "Which events; default all the caller may see." })
  filter?: LicenseEventFilter | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Resume: first the stored events after this cursor, then live ones, with no gap and no repeat. Without it (and " +
      "without a `Last-Event-ID` header), live events from now on. When both are sent, the later cursor wins.",
  })
  after?: string | null;
}

@Resolver()
export class LicenseEventResolver {
  @Subscription(() => LicenseEvent, {
    description:
      "License events as they happen, over Server-Sent Events (GraphQL over SSE: `Accept: text/event-stream` at /graphql), " +
      "each message with `id: <cursor>`. Only the events of customers the caller may see. A subscriber that reads too " +
      "slowly gets one SUBSCRIBER_TOO_SLOW error and the stream ends; it resumes from its last cursor and loses nothing.",
    subscribe: ({ args, context, source }: SubscribeResolverData<unknown, LicenseEventsArgs, GatewayContext>) => {
      const { filter, after } = args;
      const root = source as LicenseEventsRoot | undefined;
      const feed = context.events;
      if (!feed) throw new Error("licenseEvents: the context has no license event feed");
      const fromArgument = after == null ? undefined : parseEventCursor(after, ["after"]);
      const fromHeader = root?.lastEventId ? parseEventCursor(root.lastEventId, ["Last-Event-ID"]) : undefined;
      const from = fromArgument === undefined ? fromHeader : fromHeader === undefined ? fromArgument : Math.max(fromArgument, fromHeader);
      const stream = feed.stream(context.access.customerScope, domainFilter(filter, ["filter"]), from);
      if (root) root.stream = stream;
      return stream;
    },
  })
  licenseEvents(@Root() payload: StoredEvent | EventStreamOverflow, @Args(() => LicenseEventsArgs) _args: LicenseEventsArgs): LicenseEvent {
    if (payload instanceof EventStreamOverflow) {
      throw new GatewayError(
        "SUBSCRIBER_TOO_SLOW",
        `more than ${payload.bufferLimit} events waited for this subscriber, so its stream ended; nothing is lost: subscribe ` +
          `again with after: "${payload.lastCursor}" (an EventSource does so by itself, sending Last-Event-ID)`,
      );
    }
    // Executed as a query (the GraphQL-over-HTTP step refuses subscriptions first; this is the last guard).
    if (payload === undefined || payload === null || typeof (payload as StoredEvent).cursor !== "number") {
      throw new GatewayError("BAD_USER_INPUT", "subscriptions are served over Server-Sent Events: send Accept: text/event-stream");
    }
    return eventView(payload);
  }

  @Query(() => LicenseEventConnection, {
    description:
      `License events after a cursor, oldest first, for clients that poll: only the events of customers the caller may see. ` +
      `\`first\` defaults to ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}. Keep \`pageInfo.endCursor\` and pass it as ` +
      "`after` next time (or to `licenseEvents` to go on live). Events are kept for the configured retention period.",
  })
  async licenseEventsConnection(@Args(() => LicenseEventsConnectionArgs) args: LicenseEventsConnectionArgs, @Ctx() ctx: GatewayContext) {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
      throw badInput(["first"], `first must be from 0 to ${MAX_PAGE_SIZE}, got ${first}`);
    const after = args.after == null ? 0 : parseEventCursor(args.after, ["after"]);
    const filter = domainFilter(args.filter, ["filter"]);
    const feed = ctx.events;
    if (!feed) throw new Error("licenseEventsConnection: the context has no license event feed");
    const { events, hasNextPage } = await feed.page(ctx.access.customerScope, filter, after, first);
    const edges = events.map((e) => ({ cursor: String(e.cursor), node: eventView(e) }));
    return {
      edges,
      pageInfo: {
        hasNextPage,
        hasPreviousPage: after > 0,
        startCursor: edges[0]?.cursor ?? null,
        // Null on an empty page (Relay): a poller asks again with the cursor it had.
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
