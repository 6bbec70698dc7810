import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "../common/page-info.type.js";
import { LicenseStatus } from "../license/license.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";

@ObjectType({
  description:
    "A license as the license index last saw it (issue 16's background sync): what `licenses(filter:)` and `Customer.health` read, with no " +
    "vendor call. `indexedAt` says how fresh it is; `license` reads it live from its source.",
})
export class IndexedLicense {
  @Field(() => ID, { description: 'The license\'s id ("<source>:<externalId>"), for `license(id:)` or `node(id:)`.' })
  licenseId!: string;

  @Field(() => ID, { description: "The source holding the license." })
  source!: string;

  @Field(() => String, { description: "The vendor's own id for the license." })
  externalId!: string;

  @Field(() => ID, { nullable: true, description: "The gateway customer whose account lists it; null when no customer maps that account." })
  customerId!: string | null;

  @Field(() => LicenseStatus, { description: "Its status at the last sync." })
  status!: LicenseStatus;

  @Field(() => String, { nullable: true, description: "Its type (product) at the source, when the vendor has one." })
  type!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was activated, when known." })
  activatedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it expires; null for no known end." })
  expiresAt!: Date | null;

  @Field(() => [ID], { description: "The controllers it is claimed for, by node id." })
  nodeIds!: string[];

  @Field(() => DateTimeScalar, { description: "When the sync last read it from its source: how fresh this entry is." })
  indexedAt!: Date;
}

@InputType({ description: "Which licenses of the index `licenses(filter:)` lists; every field optional, all given must match." })
export class LicenseIndexFilter {
  @Field(() => ID, { nullable: true, description: "Only this customer's (one out of the caller's reach lists nothing)." })
  customerId?: string | null;

  @Field(() => [LicenseStatus], { nullable: true, description: "Only licenses in one of these states." })
  status?: LicenseStatus[] | null;

  @Field(() => [ID], { nullable: true, description: "Only licenses at one of these sources." })
  sources?: string[] | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "Only licenses that expire before this instant (so none without an expiry).",
  })
  expiresBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: "true: only licenses claimed for no controller; false: only claimed ones." })
  unclaimed?: boolean | null;
}

@ObjectType({ description: "One indexed license in a page, with its cursor." })
export class IndexedLicenseEdge {
  @Field(() => String, { description: "Opaque: pass it as `after` to go on after this license." })
  cursor!: string;

  @Field(() => IndexedLicense, { description: "The license as indexed." })
  node!: IndexedLicense;
}

@ObjectType({
  description: "Indexed licenses ordered by expiry (soonest first, none last), then source and id, a page at a time, forward only.",
})
export class IndexedLicenseConnection {
  @Field(() => [IndexedLicenseEdge], { description: "This page's licenses." })
  edges!: IndexedLicenseEdge[];

  @Field(() => PageInfo, { description: "Whether more follow, and `endCursor` to get them." })
  pageInfo!: PageInfo;
}

export enum ClaimConflictReason {
  SAME_TYPE_TWICE = "SAME_TYPE_TWICE",
  SEVERAL_SOURCES = "SEVERAL_SOURCES",
}

registerEnumType(ClaimConflictReason, {
  name: "ClaimConflictReason",
  description: "Why the claims on one controller conflict.",
  valuesConfig: {
    SAME_TYPE_TWICE: { description: "Two or more active licenses of the same type claim it: one is paid for nothing." },
    SEVERAL_SOURCES: { description: "Active licenses at two or more sources claim it: two vendors each think they steer it." },
  },
});

@ObjectType({ description: "A controller whose active licenses conflict." })
export class ClaimConflict {
  @Field(() => ID, { description: "The controller's node id." })
  nodeId!: string;

  @Field(() => ClaimConflictReason, { description: "Why they conflict." })
  reason!: ClaimConflictReason;

  @Field(() => [IndexedLicense], { description: "The licenses involved." })
  licenses!: IndexedLicense[];
}

@ObjectType({ description: "How the background sync of one source went: how fresh the index is for it." })
export class SourceSyncStatus {
  @Field(() => ID, { description: "The source." })
  source!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "The end of its last successful sync; null before one." })
  lastSuccessAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When its last sync failed; null if none has." })
  lastErrorAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The code of that failure (UPSTREAM_TIMEOUT, ...); never the vendor's words." })
  lastErrorCode!: string | null;

  @Field(() => Int, { description: "Syncs failed in a row since the last success." })
  consecutiveFailures!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "When its last sync began; null before one." })
  lastStartedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "How long its last successful sync took, in milliseconds." })
  lastDurationMs!: number | null;

  @Field(() => Int, { description: "Accounts its last successful sync read." })
  accounts!: number;

  @Field(() => Int, { description: "Licenses its last successful sync found." })
  licenses!: number;
}

@ObjectType({
  description:
    "What needs attention in one customer's licenses, from the license index alone (no vendor call; see each source's `sync` for how fresh).",
})
export class CustomerHealth {
  @Field(() => [IndexedLicense], {
    description:
      "Active licenses ending within the horizon that no other license takes over from: no other active or not yet activated license " +
      "that runs longer and claims one of the same controllers (or, for an unclaimed one, is of the same type).",
  })
  expiringWithoutReplacement!: IndexedLicense[];

  @Field(() => [ID], { description: "The customer's controllers, by node id, that no active license claims." })
  controllersWithoutActiveLicense!: string[];

  @Field(() => [ClaimConflict], { description: "Controllers whose active licenses conflict." })
  claimConflicts!: ClaimConflict[];

  @Field(() => [SourceSyncStatus], {
    description: "The sync of each source the customer has an account at; a source never synced has null dates.",
  })
  sources!: SourceSyncStatus[];
}
