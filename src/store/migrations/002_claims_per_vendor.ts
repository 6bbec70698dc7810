/**
 * Claims for the vendors of issue 3.
 * - Cryptolens lets one key run on several machines (up to maxNoOfMachines), so "one claim per license" becomes
 *   a rule of the exclusive sources only (local, Eniris, Customerarea), kept as a partial unique index that still
 *   decides races between two claims of the same license.
 * - Claims kept for vendors with no notion of a license's controller (Customerarea) remember the account the
 *   license was found under, so a controller's licenses can be re-read through that account alone.
 */
export const version = 2;
export const name = "claims_per_vendor";

export const statements: readonly string[] = [
  `alter table claims add column license_account text null`,
  `alter table claims add column exclusive boolean not null default true`,
  `alter table claims drop constraint claims_source_license_external_id_key`,
  `create unique index claims_one_per_license on claims (source, license_external_id) where exclusive`,
  `create unique index claims_license_node on claims (source, license_external_id, node_id)`,
];
