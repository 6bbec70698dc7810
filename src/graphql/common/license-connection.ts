import { licenseId, type License } from "../../domain/model.js";
import { keyedConnection } from "./connection.js";

/**
 * A list of licenses as a connection, for every field that pages them (a customer's, a controller's). The order is
 * `License.id` in code-unit order, so it does not depend on which source answered first or on a locale; the cursor
 * is `["License", id]`, so one license has one cursor wherever it is listed, and a cursor means "ids after this
 * one" whatever was added or removed since. `totalCount` counts every license the answering sources gave for the
 * filters, not the page.
 */
export const licenseConnection = keyedConnection<License>("License", (license) => licenseId(license.source, license.externalId));
