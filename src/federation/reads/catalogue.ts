import { tag } from "../../domain/data-tags.js";
import type { LicenseOffer, OfferFilter } from "../../sources/source.js";
import { checkText } from "../validate.js";
import { settle, type ReadDeps, type ReportPartial } from "./read-deps.js";

/** A catalogue filter's words (a version, an offer code, a language, a currency): far longer than any vendor's. */
const MAX_FILTER_LENGTH = 100;

/** Offers from the catalogues of the sources where the customer has an account. */
export async function offers(
  deps: ReadDeps,
  customerId: string,
  filter: OfferFilter & { source?: string | null },
  report: ReportPartial,
): Promise<LicenseOffer[]> {
  if (filter.source) deps.sources.require(filter.source, ["source"]);
  // The filter's words go to the vendor as they are: the same rule as every other value a client names.
  for (const name of ["version", "code", "lang", "currency"] as const) {
    const value = filter[name];
    if (value !== undefined) checkText(value, [name], `a catalogue ${name}`, MAX_FILTER_LENGTH);
  }
  if (!deps.access.seesCustomer(customerId)) return [];
  const accounts = (await deps.loaders.accountsOfCustomer.load(customerId)).filter((a) => !filter.source || a.source === filter.source);
  const lists = await settle(
    accounts.flatMap((a) => {
      const catalogue = deps.sources.find(a.source)?.catalogue;
      if (!catalogue) return [];
      deps.tracker?.read([tag.account(a.source, a.externalId)]);
      return [catalogue.offers(a.externalId, filter)];
    }),
    report,
  );
  return lists.flat();
}
