import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LICENSE_EVENT_TYPES } from "../../domain/license-events.js";
import { PageInfo } from "../common/page-info.type.js";
import { LicenseStatus } from "../license/license.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";

/** The GraphQL enum of src/domain/license-events.ts's types, value for value. */
export const LicenseEventType = Object.fromEntries(LICENSE_EVENT_TYPES.map((t) => [t, t])) as {
  [T in (typeof LICENSE_EVENT_TYPES)[number]]: T;
};

registerEnumType(LicenseEventType, {
  name: "LicenseEventType",
  description: "What happened to a license. One change may be several events (activated and claimed between two syncs).",
  valuesConfig: {
    APPEARED: { description: "Listed for the first time under a mapped account." },
    REMOVED: { description: "No longer listed under its account (deleted at the vendor, or the account no longer mapped)." },
    ACTIVATED: { description: "INACTIVE to ACTIVE." },
    CLAIMED: { description: "Linked to a controller (`nodeId` says which)." },
    RELEASED: { description: "A controller link went away (`nodeId` says which)." },
    BLOCKED: { description: "Blocked at the source." },
    UNBLOCKED: { description: "BLOCKED to anything else." },
    EXPIRED: { description: "To EXPIRED." },
    EXPIRING: { description: "Its expiry came within a configured threshold (`thresholdDays`), once per threshold and expiry date." },
    STATUS_CHANGED: { description: "Any other status change: `status` and `previousStatus` say which." },
  },
});

export enum LicenseEventOrigin {
  SYNC = "SYNC",
  MUTATION = "MUTATION",
}

registerEnumType(LicenseEventOrigin, {
  name: "LicenseEventOrigin",
  description: "Who noticed the change.",
  valuesConfig: {
    SYNC: { description: "The background sync, comparing a vendor's answer with the license index." },
    MUTATION: { description: "A mutation made through the gateway." },
  },
});

@ObjectType({
  description:
    "A change to a license, as the gateway noticed it: from `licenseEvents` (a subscription over Server-Sent Events) or " +
    "`licenseEventsConnection` (for pollers). Never the license key.",
})
export class LicenseEvent {
  @Field(() => ID, { description: "The event's cursor: unique, never reused." })
  id!: string;

  @Field(() => String, {
    description:
      "Where the event stands in the log, a decimal number growing with every event: pass it as `after` (or send it as " +
      "`Last-Event-ID`) to get the events after this one.",
  })
  cursor!: string;

  @Field(() => LicenseEventType, { description: "What happened." })
  type!: string;

  @Field(() => DateTimeScalar, { description: "When it was noticed: the sync's read, or the mutation's commit." })
  at!: Date;

  @Field(() => LicenseEventOrigin, { description: "Who noticed it." })
  origin!: LicenseEventOrigin;

  @Field(() => ID, { description: 'The license\'s id ("<source>:<externalId>"), for `license(id:)` or `node(id:)`.' })
  licenseId!: string;

  @Field(() => ID, { nullable: true, description: "The gateway customer the license belongs to; null when no customer maps its account." })
  customerId!: string | null;

  @Field(() => ID, { description: "The source holding the license." })
  source!: string;

  @Field(() => LicenseStatus, { description: "The license's status after the change." })
  status!: LicenseStatus;

  @Field(() => LicenseStatus, { nullable: true, description: "The status before, for status changes; null otherwise." })
  previousStatus!: LicenseStatus | null;

  @Field(() => ID, { nullable: true, description: "The controller, for CLAIMED and RELEASED; null otherwise." })
  nodeId!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "The license's expiry, when it has one." })
  expiresAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "For EXPIRING: the threshold crossed, in days (e.g. 30 or 7); null otherwise." })
  thresholdDays!: number | null;
}

@ObjectType({ description: "One license event in a page, with its cursor." })
export class LicenseEventEdge {
  @Field(() => String, { description: "The event's cursor (the same as `node.cursor`)." })
  cursor!: string;

  @Field(() => LicenseEvent, { description: "The event." })
  node!: LicenseEvent;
}

@ObjectType({ description: "License events in the order they were recorded, oldest first, a page at a time (Relay cursor connection)." })
export class LicenseEventConnection {
  @Field(() => [LicenseEventEdge], { description: "This page's events." })
  edges!: LicenseEventEdge[];

  @Field(() => PageInfo, { description: "Whether more events follow; `endCursor` is where to go on from (or to subscribe from)." })
  pageInfo!: PageInfo;
}
