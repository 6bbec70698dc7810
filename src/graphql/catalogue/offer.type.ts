import { IdempotentInput } from "../common/idempotent.input.js";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../common/user-error.type.js";
import { License } from "../license/license.type.js";

@ObjectType({ description: "A license a customer can be given from a source's catalogue (Customerarea). Not held by anyone yet." })
export class LicenseOffer {
  @Field(() => String, { description: "The catalogue code; pass it as assignBulkLicense's offerCode." })
  code!: string;

  @Field(() => String, { description: "The product name, in the requested language." })
  name!: string;

  @Field(() => Int, { nullable: true, description: "How long it runs, in months." })
  durationMonths!: number | null;

  @Field(() => String, { nullable: true, description: "The product version." })
  version!: string | null;

  @Field(() => Int, { nullable: true, description: "How many units one assignment gives." })
  quantity!: number | null;

  @Field(() => Int, { nullable: true, description: "The vendor's points for it, where the vendor counts points." })
  points!: number | null;

  @Field(() => Float, { nullable: true, description: "The price of one assignment, in `currency`." })
  price!: number | null;

  @Field(() => String, { nullable: true, description: "ISO 4217 currency of the price." })
  currency!: string | null;
}

@InputType({ description: "Give a customer a free demo license from a source's catalogue (at most two per customer at Customerarea)." })
export class AssignDemoLicenseInput extends IdempotentInput {
  @Field(() => ID, { description: "The gateway customer; it needs an account at the source." })
  customerId!: string;

  @Field(() => ID, { description: "A source with a catalogue." })
  source!: string;

  @Field(() => String, { nullable: true, description: "Two-letter language for the license's name; default the vendor's (EN)." })
  lang?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the vendor may notify the customer; default true." })
  acceptNotifications?: boolean | null;
}

@InputType({ description: "Give a customer a paid license from a source's catalogue; the price comes off the reseller's credit." })
export class AssignBulkLicenseInput extends IdempotentInput {
  @Field(() => ID, { description: "The gateway customer; it needs an account at the source." })
  customerId!: string;

  @Field(() => ID, { description: "A source with a catalogue." })
  source!: string;

  @Field(() => String, { description: "A LicenseOffer.code from Customer.availableLicenses." })
  offerCode!: string;

  @Field(() => String, { description: 'Where or what it is for, e.g. "Headquarter".' })
  info!: string;

  @Field(() => Boolean, { nullable: true, description: "Whether the vendor may notify the customer; default true." })
  acceptNotifications?: boolean | null;

  @Field(() => String, { nullable: true, description: "ISO 4217 currency to pay in; default the vendor's (EUR)." })
  currency?: string | null;
}

@InputType({ description: "A license by its id." })
export class LicenseRefInput extends IdempotentInput {
  @Field(() => ID, { description: 'A License.id, "<source>:<externalId>".' })
  licenseId!: string;
}

@ObjectType({ description: "The result of assigning or renewing a catalogue license." })
export class AssignLicensePayload {
  @Field(() => License, { nullable: true, description: "The license now held; null when `errors` is not empty." })
  license!: unknown;

  @Field(() => [UserError], {
    description:
      "Empty on success; one per field the vendor refused. Codes: BAD_USER_INPUT, NOT_FOUND, DEMO_LIMIT_REACHED, INSUFFICIENT_CREDIT, UNSUPPORTED_BY_SOURCE.",
  })
  errors!: UserError[];
}

@ObjectType({ description: "The result of cancelling a catalogue license." })
export class CancelLicensePayload {
  @Field(() => Boolean, { description: "True when the vendor cancelled it." })
  cancelled!: boolean;

  @Field(() => ID, { nullable: true, description: "The cancelled license's id." })
  licenseId!: string | null;

  @Field(() => [UserError], { description: "Empty on success. Codes: BAD_USER_INPUT, NOT_FOUND, UNSUPPORTED_BY_SOURCE." })
  errors!: UserError[];
}
