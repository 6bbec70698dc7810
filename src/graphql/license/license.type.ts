import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { DateTimeScalar } from "../scalars/date-time.js";
import { Node } from "../node/node.type.js";

export enum LicenseStatus {
  INACTIVE = "INACTIVE",
  ACTIVE = "ACTIVE",
  EXPIRED = "EXPIRED",
  DEACTIVATED = "DEACTIVATED",
  BLOCKED = "BLOCKED",
}

registerEnumType(LicenseStatus, {
  name: "LicenseStatus",
  description: "Where a license is in its life. The same rule applies to every source.",
  valuesConfig: {
    INACTIVE: { description: "Issued but never activated." },
    ACTIVE: { description: "Activated, not expired, not deactivated, not blocked." },
    EXPIRED: { description: "Activated, and its duration has run out (expiresAt is in the past)." },
    DEACTIVATED: { description: "Deactivated by the vendor or operator (deactivatedAt is in the past)." },
    BLOCKED: { description: "Blocked at the source; takes precedence over every other state." },
  },
});

@ObjectType({
  implements: Node,
  description: "A software license for a controller, from any source. Fields a source does not have are null.",
})
export class License {
  @Field(() => ID, { description: 'Unique across sources and types, and stable: "<source>:<externalId>" (see Node).' })
  id!: string;

  @Field(() => String, { description: "The license key, as entered by installers and used by activateLicense and claimLicense." })
  key!: string;

  @Field(() => String, { description: "The source's id for this license." })
  externalId!: string;

  @Field(() => String, { nullable: true, description: 'The commercial type, e.g. "residential" or "commercial".' })
  type!: string | null;

  @Field(() => LicenseStatus, {
    description: "Derived from the dates and the source's block flag by one rule for every source (see LicenseStatus).",
  })
  status!: LicenseStatus;

  @Field(() => Int, { nullable: true, description: "Licensed grid connection power, kW." })
  gridKw!: number | null;

  @Field(() => Int, { nullable: true, description: "Licensed solar power, kW." })
  solarKw!: number | null;

  @Field(() => Int, { nullable: true, description: "Licensed battery power, kW." })
  batteryKw!: number | null;

  @Field(() => Int, { nullable: true, description: "Licensed EV-charging power, kW." })
  evKw!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the license was issued." })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was activated; null while INACTIVE." })
  activatedAt!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "activatedAt plus durationMonths (calendar months, UTC); null without either.",
  })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was (or will be) deactivated." })
  deactivatedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: "How long the license runs after activation, in months." })
  durationMonths!: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Feature flags the license enables, by the vendor\'s names (Cryptolens "f1".."f8"); null when the source has none.',
  })
  features!: string[] | null;

  @Field(() => Int, { nullable: true, description: "How many controllers it may be claimed for; null when the source sets no limit." })
  maxControllers!: number | null;
}
