import type { IssueLicenseInput as LicenseToIssue } from "../../domain/issue-license.js";
import { IdempotentInput } from "../common/idempotent.input.js";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../common/user-error.type.js";
import { Datalink } from "../controller/controller.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";
import { License } from "./license.type.js";

@InputType({ description: "Activate a license at its source." })
export class ActivateLicenseInput extends IdempotentInput {
  @Field(() => ID, { description: 'The source holding the license, e.g. "sofar" or "local".' })
  source!: string;

  @Field(() => String, { description: "The license key, 1 to 50 characters." })
  key!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the activation counts from; default now." })
  activationIso?: Date | null;
}

@ObjectType({ description: "The result of activateLicense: the license, or why not." })
export class ActivateLicensePayload {
  @Field(() => License, { nullable: true, description: "The activated license; null when `errors` is not empty." })
  license!: unknown;

  @Field(() => String, {
    nullable: true,
    description: "Set when the source needed no change, e.g. Cryptolens keys are active from creation.",
  })
  note!: string | null;

  @Field(() => [UserError], {
    description: "Empty on success. Codes: BAD_USER_INPUT, NOT_FOUND, LICENSE_ALREADY_ACTIVATED, UNSUPPORTED_BY_SOURCE.",
  })
  errors!: UserError[];
}

@InputType({ description: "Link a license to the controller it will run on." })
export class ClaimLicenseInput extends IdempotentInput {
  @Field(() => ID, { description: 'The source holding the license, e.g. "sofar" or "local".' })
  source!: string;

  @Field(() => String, { description: "The license key, 1 to 50 characters." })
  key!: string;

  @Field(() => ID, { description: "The controller's node id." })
  nodeId!: string;
}

@ObjectType({ description: "The result of claimLicense: the new link and the license, or why not." })
export class ClaimLicensePayload {
  @Field(() => Datalink, { nullable: true, description: "The new link; null when `errors` is not empty." })
  datalink!: unknown;

  @Field(() => License, {
    nullable: true,
    description: "The claimed license as its source now reports it (null if the claim succeeded but the source could not be re-read).",
  })
  license!: unknown;

  @Field(() => [UserError], {
    description:
      "Empty on success. Codes: BAD_USER_INPUT, NOT_FOUND, LICENSE_ALREADY_CLAIMED, LICENSE_BLOCKED, LICENSE_CLAIM_LIMIT_REACHED, UNSUPPORTED_BY_SOURCE.",
  })
  errors!: UserError[];
}

@InputType({ description: "Undo a claim: the license no longer runs on that controller." })
export class ReleaseLicenseInput extends IdempotentInput {
  @Field(() => ID, { description: 'The source holding the license, e.g. "cryptolens" or "local".' })
  source!: string;

  @Field(() => String, { description: "The license key, 1 to 50 characters." })
  key!: string;

  @Field(() => ID, { description: "The controller's node id." })
  nodeId!: string;
}

@ObjectType({ description: "The result of releaseLicense." })
export class ReleaseLicensePayload {
  @Field(() => License, { nullable: true, description: "The license as its source now reports it, when it can be read back." })
  license!: unknown;

  @Field(() => [UserError], {
    description:
      "Empty on success. Codes: BAD_USER_INPUT, NOT_FOUND, LICENSE_NOT_CLAIMED, UNSUPPORTED_BY_SOURCE (a vendor that cannot release).",
  })
  errors!: UserError[];
}

@InputType({ description: "A license held in the gateway's own store (source `local`)." })
export class IssueLicenseInput extends IdempotentInput implements LicenseToIssue {
  @Field(() => String, { nullable: true, description: "1 to 50 characters; generated (LOC-XXXX-XXXX-XXXX) when omitted." })
  key?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. "residential" or "commercial".' })
  type?: string | null;

  @Field(() => Int, { nullable: true, description: "Licensed grid connection power, kW (0 to 1,000,000)." })
  gridKw?: number | null;

  @Field(() => Int, { nullable: true, description: "Licensed solar power, kW (0 to 1,000,000)." })
  solarKw?: number | null;

  @Field(() => Int, { nullable: true, description: "Licensed battery power, kW (0 to 1,000,000)." })
  batteryKw?: number | null;

  @Field(() => Int, { nullable: true, description: "Licensed EV-charging power, kW (0 to 1,000,000)." })
  evKw?: number | null;

  @Field(() => Int, { nullable: true, description: "Months it runs after activation, 1 to 1200; omit for no end." })
  durationMonths?: number | null;

  @Field(() => ID, { nullable: true, description: "The gateway customer it belongs to." })
  customerId?: string | null;
}
