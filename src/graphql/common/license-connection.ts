import { licenseId, type License } from "../../federation/model.js";
import { checkPaging, compareCodeUnits, connectionOf, encodeCursor, pageOfSorted, type Paging, type PagingArgs } from "./connection.js";

/**
 * A list of licenses as a connection, for every field that pages them (a customer's, a controller's). The order is
 * `License.id` in code-unit order, so it does not depend on which source answered first or on a locale; the cursor
 * is `["License", id]`, so one license has one cursor wherever it is listed, and a cursor means "ids after this
 * one" whatever was added or removed since. The type tag keeps a customers cursor from being taken for one.
 */
const CURSOR_TAG = "License";

/** Checks the paging arguments before any source is asked (a bad cursor is BAD_USER_INPUT naming its argument). */
export function checkLicensePaging(args: PagingArgs): Paging<string> {
  return checkPaging(args, (decoded) =>
    Array.isArray(decoded) && decoded.length === 2 && decoded[0] === CURSOR_TAG && typeof decoded[1] === "string" ? decoded[1] : null,
  );
}

export const licenseCursor = (license: License): string => encodeCursor([CURSOR_TAG, idOf(license)]);

/** The page of `licenses` (already filtered and authorized, in any order) that `paging` asks for. */
export function licenseConnection(licenses: readonly License[], paging: Paging<string>) {
  const sorted = [...licenses].sort((a, b) => compareCodeUnits(idOf(a), idOf(b)));
  const page = pageOfSorted(sorted, idOf, compareCodeUnits, paging);
  // Counted over every license the answering sources gave for the filters, not over the page.
  return { ...connectionOf(page, licenseCursor), totalCount: licenses.length };
}

const idOf = (license: License): string => licenseId(license.source, license.externalId);
