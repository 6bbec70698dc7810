import type { GatewayClient } from "./client.js";
import { CustomersPageDocument, type CustomersPageQuery, type CustomersPageQueryVariables } from "./generated/graphql.js";

type CustomerEdge = CustomersPageQuery["customers"]["edges"][number];

/**
 * Every customer, a page at a time, as a list page's "load more" would fetch them: each request passes the
 * previous page's endCursor as `after`, until hasNextPage is false. The cursors are opaque: never build one.
 */
export async function* customerPages(client: GatewayClient, pageSize = 20): AsyncGenerator<CustomerEdge[]> {
  // Typed by hand: `after` goes into each request and comes back from the previous one, a loop TypeScript's
  // inference cannot see through.
  const variables: CustomersPageQueryVariables = { first: pageSize, after: null };
  for (;;) {
    const { data } = await client.request(CustomersPageDocument, variables);
    yield data.customers.edges;
    const { hasNextPage, endCursor } = data.customers.pageInfo;
    if (!hasNextPage || endCursor === null) return;
    variables.after = endCursor;
  }
}
