import type { ContactPatch, ControllerHardware, CustomerProfile, FieldProblem, HardwareDevice } from "../source.js";
import { CONTACT_FIELD_PATHS } from "./contact-rules.js";
import type { EsmartContactPatch, EsmartCustomer, EsmartDevice, EsmartGateway } from "./vendor-types.js";

/** Inferred: an ASP.NET backend may send "" for an unset text column; the gateway reports it as absent. */
function text(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === "" ? null : value;
}

/**
 * eSmart customer → CustomerProfile. `externalId` is the id the gateway asked for, not the body's CustomerId:
 * it is the key the profile was loaded by, and the body's id may be the same customer spelt differently
 * (an integer, another letter case).
 */
export function toProfile(source: string, accountId: string, raw: EsmartCustomer): CustomerProfile {
  return {
    source,
    externalId: accountId,
    name: text(raw.Name),
    email: text(raw.Email),
    phoneNumber: text(raw.PhoneNumber),
    mobileNumber: text(raw.MobileNumber),
    address: text(raw.Address),
    postalCode: text(raw.PostalCode),
    city: text(raw.City),
  };
}

export function toDevice(raw: EsmartDevice): HardwareDevice {
  return {
    deviceId: raw.DeviceId,
    serialNumber: text(raw.SerialNumber),
    type: text(raw.Type),
    name: text(raw.Name),
    active: raw.IsActive ?? null,
  };
}

/** eSmart gateway and the devices behind it → ControllerHardware, keyed by the serial number asked for. */
export function toHardware(
  source: string,
  serialNumber: string,
  gateway: EsmartGateway,
  devices: readonly EsmartDevice[],
): ControllerHardware {
  return {
    source,
    serialNumber,
    gatewayId: gateway.GatewayId ?? null,
    externalId: gateway.ExternalId ?? null,
    name: text(gateway.Name),
    active: gateway.IsActive ?? null,
    lastSeenAt: gateway.LastSeenUtc ?? null,
    firmwareVersion: text(gateway.FirmwareVersion),
    devices: devices.map(toDevice),
  };
}

/** The PATCH body: only the fields the caller gave, renamed to the vendor's PascalCase. */
export function toVendorPatch(patch: ContactPatch): EsmartContactPatch {
  const body: EsmartContactPatch = {};
  if (patch.email !== undefined) body.Email = patch.email;
  if (patch.phoneNumber !== undefined) body.PhoneNumber = patch.phoneNumber;
  if (patch.mobileNumber !== undefined) body.MobileNumber = patch.mobileNumber;
  return body;
}

const VENDOR_FIELD_PATHS: Record<string, readonly string[]> = {
  email: CONTACT_FIELD_PATHS.email,
  phonenumber: CONTACT_FIELD_PATHS.phoneNumber,
  mobilenumber: CONTACT_FIELD_PATHS.mobileNumber,
};

/** What each contact field is, for the gateway's sentences. */
const FIELD_NAMES: Record<string, string> = { email: "email address", phonenumber: "phone number", mobilenumber: "mobile number" };

/**
 * The kinds of refusal ASP.NET's validation messages state ("The Email field is required.", "The field PhoneNumber
 * must be a string with a maximum length of 14.", "The Email field is not a valid e-mail address.", "The field
 * PhoneNumber must match the regular expression '^[0-9]+$'."), each as the gateway says it. The first that matches
 * decides; anything else is a plain refusal.
 */
const KINDS: ReadonlyArray<{ words: RegExp; says: (name: string) => string }> = [
  { words: /\brequired\b/i, says: (name) => `eSmart requires the ${name}` },
  { words: /\b(?:length|long|maximum|max)\b/i, says: (name) => `the ${name} is longer than eSmart accepts` },
  { words: /\b(?:valid|regular expression|format|match|characters?)\b/i, says: (name) => `eSmart does not accept the ${name} as written` },
];

/**
 * Web API's ModelState → field problems on the GraphQL input. Keys are `<parameter>.<Property>` ("customer.Email")
 * or a bare property or parameter name; the property is the last dotted part, matched without regard to case
 * (ASP.NET binds case-insensitively). A key the gateway cannot place (the whole body, an unknown property) is
 * reported on ["input"].
 *
 * The messages are the gateway's, never the vendor's: a vendor's text may carry anything (an echo of the request,
 * an internal detail), and a partner is shown only what the gateway itself can vouch for. The vendor's words decide
 * which sentence (KINDS) and are logged by the caller. One problem per field and sentence.
 */
export function modelStateProblems(modelState: Record<string, readonly string[]>): FieldProblem[] {
  const problems = new Map<string, FieldProblem>();
  for (const [key, messages] of Object.entries(modelState)) {
    const property = key
      .split(".")
      .pop()!
      .replace(/\[\d+\]$/, "")
      .toLowerCase();
    const known = Object.hasOwn(VENDOR_FIELD_PATHS, property);
    const field = known ? [...VENDOR_FIELD_PATHS[property]!] : ["input"];
    for (const said of messages.length > 0 ? messages : [""]) {
      const name = known ? FIELD_NAMES[property]! : undefined;
      const message =
        name === undefined
          ? "eSmart refused the update"
          : (KINDS.find((k) => k.words.test(said))?.says(name) ?? `eSmart refused the ${name}`);
      problems.set(`${field.join(".")}\u0000${message}`, { field, message });
    }
  }
  return [...problems.values()];
}
