/**
 * Never run, only compiled: `tsc -p examples/typed-client` (in npm test) fails on an unused @ts-expect-error, so
 * each misuse below must stay a compile error. If the generated types or request()'s signature ever degraded to
 * `any`, this file, not a front end in production, would say so.
 */
import type { GatewayClient } from "./client.js";
import {
  ActivateLicenseDocument,
  ClaimLicenseDocument,
  CustomerDashboardDocument,
  CustomersPageDocument,
  LicenseDetailsDocument,
  type LicenseStatus,
} from "./generated/graphql.js";

export async function misusesTheCompilerRefuses(client: GatewayClient): Promise<void> {
  // @ts-expect-error CustomerDashboard needs its id.
  await client.request(CustomerDashboardDocument);
  // @ts-expect-error A variable the operation does not declare.
  await client.request(CustomerDashboardDocument, { id: "demo-customer-1", name: "x" });
  // @ts-expect-error A cursor is an opaque string, never a number or an offset.
  await client.request(CustomerDashboardDocument, { id: "demo-customer-1", licensesAfter: 20 });
  // @ts-expect-error ActivateLicenseInput needs a source.
  await client.request(ActivateLicenseDocument, { input: { key: "SOFAR-RES-0003" } });
  // @ts-expect-error nodeId is required to claim.
  await client.request(ClaimLicenseDocument, { input: { source: "sofar", key: "SOFAR-RES-0004" } });

  const { data } = await client.request(LicenseDetailsDocument, { id: "sofar:1" });
  // @ts-expect-error license is null for an unknown id: check it first.
  void data.license.status;
  // @ts-expect-error A field LicenseDetails does not select is not on its result.
  void data.license?.customer?.accounts;
  // @ts-expect-error Statuses are the schema's enum values, nothing else.
  const unknown: LicenseStatus = "RUNNING";
  void unknown;
}

export async function usesItAllows(client: GatewayClient): Promise<LicenseStatus | undefined> {
  // Every CustomersPage variable is optional, so the variables may be left out.
  const { data: page } = await client.request(CustomersPageDocument);
  const first = page.customers.edges[0]?.node.id;
  if (first === undefined) return undefined;
  const { data } = await client.request(CustomerDashboardDocument, { id: first });
  // The next page of the dashboard's licenses: the same operation, after the last page's endCursor.
  const next = await client.request(CustomerDashboardDocument, {
    id: first,
    licensesFirst: 5,
    licensesAfter: data.customer?.licensesConnection.pageInfo.endCursor ?? null,
  });
  return next.data.customer?.licensesConnection.edges[0]?.node.status;
}
