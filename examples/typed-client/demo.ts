/**
 * The typed client against a running gateway: `npm start` in one terminal, then
 * `npx tsx examples/typed-client/demo.ts [url]` in another. Prints the customers list and the first customer's
 * dashboard; read-only, so it can run against the demo as often as you like.
 */
import { createClient } from "./client.js";
import { customerPages } from "./customer-pages.js";
import { CustomerDashboardDocument } from "./generated/graphql.js";

const client = createClient({ url: process.argv[2] ?? "http://localhost:4000/graphql" });

let firstCustomerId: string | undefined;
for await (const page of customerPages(client, 2)) {
  for (const { node } of page) {
    firstCustomerId ??= node.id;
    console.log(`customer ${node.id}: ${node.name}`);
  }
}

if (firstCustomerId !== undefined) {
  const { data, errors } = await client.request(CustomerDashboardDocument, { id: firstCustomerId });
  // A vendor that failed leaves its licenses out and says so here; the rest of the dashboard is still shown.
  for (const error of errors) console.warn(`partial: ${String(error.extensions?.code)} from ${String(error.extensions?.source)}`);
  const customer = data.customer;
  if (customer !== null) {
    console.log(`\n${customer.name}: accounts at ${customer.accounts.map((a) => a.source.id).join(", ")}`);
    const licenses = customer.licensesConnection;
    for (const { node: license } of licenses.edges) {
      const claimedBy = license.datalinks.map((d) => d.nodeId ?? "?").join(", ") || "unclaimed";
      console.log(`  ${license.source.id.padEnd(12)} ${license.key.padEnd(28)} ${license.status.padEnd(11)} ${claimedBy}`);
    }
    // The dashboard shows one page; the next is the same request with `licensesAfter: pageInfo.endCursor`.
    if (licenses.pageInfo.hasNextPage) console.log(`  ... and ${licenses.totalCount - licenses.edges.length} more`);
    console.log(`  controllers: ${customer.controllers.map((c) => c.name ?? c.nodeId).join(", ")}`);
  }
}
