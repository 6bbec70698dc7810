import type { Datalink, License } from "../../domain/model.js";
import type { FederatedReads } from "../reads.js";

/** What claimLicense answers: the new link with the license it links, and the license. */
export interface ClaimPayload {
  license: License | null;
  datalink: (Datalink & { license: License | null }) | null;
  errors: [];
}

/**
 * The payload of a committed claim as a later read will show it. A normalising client (Relay, Apollo) keeps one
 * record per id, so the payload's `datalink` must be the very entry `license.datalinks` gives for that id, with the
 * same values: not a link built from the claim (the gateway's clock has milliseconds, Cryptolens keeps seconds;
 * Eniris gives no time and the claim's is shown). So the link is looked up by the reads that resolve
 * `License.datalinks`, after forgetting claims this request read before the claim was recorded. `made` (the link
 * the mutation built) stands in only when the license could not be read back or the reads cannot find the link.
 */
export async function claimPayload(reads: FederatedReads, license: License | null, made: Datalink): Promise<ClaimPayload> {
  if (license === null) return { license, datalink: { ...made, license }, errors: [] };
  reads.forgetClaims(license.source, license.externalId);
  // The claim has happened: a failed read must not fail it. A failure is reported by the payload's own
  // `license.datalinks`, which the same loaders answer.
  const links = await reads.licenseDatalinks(license, () => {}).catch(() => []);
  const link = links.find((d) => d.id === made.id) ?? links.find((d) => d.nodeId === made.nodeId) ?? made;
  return { license, datalink: { ...link, license }, errors: [] };
}
