import * as DOCUMENTS from "./graphiql-documents.generated.js";
import type { GraphiqlExample } from "./graphiql.js";

/**
 * The operations GraphiQL opens as tabs, written for the demo data (src/demo/seed.ts and the simulators' seeds).
 * Their texts are operations/*.graphql, the folder the typed client (examples/typed-client) is generated from too:
 * edit a document there and run `npm run codegen`. A test runs each one against the demo, in this order, and
 * expects it to succeed.
 */
export const DEMO_EXAMPLES: GraphiqlExample[] = [
  { name: "All customers and their licenses", query: DOCUMENTS.AllCustomersAndLicenses },
  { name: "Sources", query: DOCUMENTS.Sources },
  { name: "One customer", query: DOCUMENTS.OneCustomer, variables: { id: "demo-customer-1" } },
  { name: "A controller's licenses", query: DOCUMENTS.ControllerWithLicenses, variables: { nodeId: "sofar-ctrl-001" } },
  { name: "Activate a license", query: DOCUMENTS.ActivateLicense, variables: { input: { source: "sofar", key: "SOFAR-RES-0003" } } },
  {
    name: "Claim a license",
    query: DOCUMENTS.ClaimLicense,
    variables: { input: { source: "local", key: "LOC-DEMO-0001", nodeId: "sofar-ctrl-002" } },
  },
  {
    name: "Issue a local license",
    query: DOCUMENTS.IssueLocalLicense,
    variables: {
      input: {
        key: "LOC-DEMO-0100",
        type: "residential",
        gridKw: 10,
        solarKw: 8,
        batteryKw: 10,
        evKw: 11,
        durationMonths: 12,
        customerId: "demo-customer-1",
      },
    },
  },
  {
    name: "Claim a Cryptolens key",
    query: DOCUMENTS.ClaimCryptolensKey,
    variables: { input: { source: "cryptolens", key: "MUEYW-BFRJX-TKCVL-QAHZN", nodeId: "sgo-ctrl-004" } },
  },
  {
    name: "Release it again",
    query: DOCUMENTS.ReleaseLicense,
    variables: { input: { source: "cryptolens", key: "MUEYW-BFRJX-TKCVL-QAHZN", nodeId: "sgo-ctrl-004" } },
  },
  {
    name: "Assign a demo license",
    query: DOCUMENTS.AssignDemo,
    variables: { input: { customerId: "demo-customer-3", source: "flashstart", lang: "EN" } },
  },
  {
    name: "Update contact details",
    query: DOCUMENTS.UpdateContact,
    variables: { input: { customerId: "demo-customer-2", phoneNumber: "3247012345" } },
  },
  // Issue 16: the change feed and the views over the license index (the demo syncs every 5 s).
  { name: "License events, live", query: DOCUMENTS.LicenseEvents, variables: { after: "0" } },
  { name: "License events, a page", query: DOCUMENTS.LicenseEventsPage, variables: { first: 20 } },
  { name: "Licenses expiring within a year", query: DOCUMENTS.ExpiringLicenses, variables: { before: inDays(365), first: 20 } },
  { name: "A customer's health", query: DOCUMENTS.CustomerHealth, variables: { id: "demo-customer-1", days: 30 } },
];

/** An instant `days` from when the page is rendered, to the day (so the tab's text stays the same all day). */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10) + "T00:00:00Z";
}
