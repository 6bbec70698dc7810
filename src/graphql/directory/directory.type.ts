import { IdempotentInput } from "../common/idempotent.input.js";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { UserError } from "../common/user-error.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";

@ObjectType({ description: "A customer's contact details, as the directory source (eSmart) holds them." })
export class CustomerProfile {
  @Field(() => String, { nullable: true, description: "The name the directory knows." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "E-mail address." })
  email!: string | null;

  @Field(() => String, { nullable: true, description: "Phone number, digits only." })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Mobile number, digits only." })
  mobileNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Street address." })
  address!: string | null;

  @Field(() => String, { nullable: true, description: "Postal code." })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: "City." })
  city!: string | null;

  @Field(() => String, { description: "The directory's own id for the customer." })
  externalId!: string;
}

@ObjectType({ description: "A device behind a controller's hardware (meter, inverter, battery, EV charger)." })
export class HardwareDevice {
  @Field(() => ID, { description: "The directory's id for the device." })
  deviceId!: string;

  @Field(() => String, { nullable: true, description: "The device's serial number." })
  serialNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'What it is, e.g. "Meter", "Inverter", "Battery", "EVCharger".' })
  type!: string | null;

  @Field(() => String, { nullable: true, description: "Its name." })
  name!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the directory reports it active." })
  active!: boolean | null;
}

@ObjectType({ description: "A controller's hardware as the monitoring directory (eSmart) sees it, found by serial number." })
export class ControllerHardware {
  @Field(() => String, { description: "The serial number it was found by." })
  serialNumber!: string;

  @Field(() => String, { nullable: true, description: "Its name at the directory." })
  name!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the directory reports it active." })
  active!: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the directory last heard from it." })
  lastSeenAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The firmware version it runs." })
  firmwareVersion!: string | null;

  @Field(() => [HardwareDevice], { description: "The devices behind it." })
  devices!: HardwareDevice[];
}

@InputType({
  description: "New contact details; omitted fields keep their value. Checked against the directory's rules before it is called.",
})
export class UpdateCustomerContactInput extends IdempotentInput {
  @Field(() => ID, { description: "The gateway customer; it needs an account at a directory source." })
  customerId!: string;

  @Field(() => String, { nullable: true, description: "A valid e-mail address, at most 100 characters." })
  email?: string | null;

  @Field(() => String, { nullable: true, description: "Digits only, at most 14." })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Digits only, at most 14." })
  mobileNumber?: string | null;
}

@ObjectType({ description: "The result of updateCustomerContact." })
export class UpdateCustomerContactPayload {
  @Field(() => CustomerProfile, {
    nullable: true,
    description: "The profile as the directory now holds it; null when `errors` is not empty.",
  })
  profile!: unknown;

  @Field(() => [UserError], {
    description: "Empty on success; one per refused field. Codes: BAD_USER_INPUT, NOT_FOUND, UNSUPPORTED_BY_SOURCE.",
  })
  errors!: UserError[];
}
