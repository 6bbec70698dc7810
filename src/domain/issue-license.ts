/**
 * What a license issued in the gateway's own store is made of: the one shape the store takes and the issueLicense
 * mutation passes on (the GraphQL input class, src/graphql/license/license.inputs.ts, must stay assignable to it).
 * Every field is optional; absent ones are stored as null.
 */
export interface IssueLicenseInput {
  /** Default (absent or null): a generated `LOC-XXXX-XXXX-XXXX` (uppercase letters and digits). */
  key?: string | null;
  type?: string | null;
  gridKw?: number | null;
  solarKw?: number | null;
  batteryKw?: number | null;
  evKw?: number | null;
  durationMonths?: number | null;
  customerId?: string | null;
}
