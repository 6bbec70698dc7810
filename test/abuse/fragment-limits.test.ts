import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";
import { documentChecker } from "../../src/documents/document-check.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { useTestGateway } from "../support/gateway.js";
import { expectRefused, expectWellFormed, post } from "./support.js";

/**
 * Depth and cost are measured on the flattened selection: a field's depth is the number of fields on its path from
 * the operation, whatever fragments (named or inline) the document spells it with. The documents below are written
 * as relay-compiler prints an operation's text (fragments in name order after the operation, `id` added to every
 * Node, `__typename` and `cursor` and `pageInfo` added to `@connection` fields, fragment arguments inlined under a
 * hashed name) and as Apollo Client sends one (`__typename` in every selection set, fragments spread in fragments,
 * `... on` type conditions).
 */

const json = (value: unknown) => JSON.stringify(value);

/** A Relay page query: customers -> licenses -> datalinks -> controller -> hardware, 10 fields deep. */
function relayQuery(controllerChip: string): string {
  return `query CustomersPageQuery(
  $count: Int!
  $cursor: String
) {
  ...CustomerList_query
}

fragment ControllerChip_controller on Controller {
${controllerChip}
  id
}

fragment CustomerCard_customer_2dEzc4 on Customer {
  name
  profile {
    email
    city
  }
  licensesConnection(first: 3) {
    edges {
      node {
        ...LicenseRow_license
        id
        __typename
      }
      cursor
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
  id
}

fragment CustomerList_query on Query {
  customers(first: $count, after: $cursor) {
    edges {
      node {
        id
        ...CustomerCard_customer_2dEzc4
        __typename
      }
      cursor
    }
    pageInfo {
      endCursor
      hasNextPage
    }
  }
}

fragment DatalinkItem_datalink on Datalink {
  createdAt
  controller {
    ...ControllerChip_controller
    id
  }
  id
}

fragment LicenseRow_license on License {
  key
  status
  expiresAt
  datalinks {
    ...DatalinkItem_datalink
    id
  }
  id
}
`;
}

/** ControllerChip_controller's own fields: hardware { firmwareVersion } ends the path at 10 fields. */
const CHIP_10_DEEP = `  nodeId
  name
  hardware {
    firmwareVersion
    serialNumber
  }`;

/** ...licensesConnection { edges { node { source { id } } } } below the controller: 13 fields. */
const CHIP_13_DEEP = `  nodeId
  licensesConnection(first: 1) {
    edges {
      node {
        ...LicenseBadge_license
        id
      }
    }
  }
}

fragment LicenseBadge_license on License {
  source {
    id
  }`;

/** The 13-deep chip with its last field one level up (`key` instead of `source { id }`): exactly 12. */
const CHIP_12_DEEP = CHIP_13_DEEP.replace("source {\n    id\n  }", "key");

/** The Relay query with every fragment written in place: the same fields, the same arguments, no fragment. */
const RELAY_QUERY_INLINE = `query CustomersPageQuery($count: Int!, $cursor: String) {
  customers(first: $count, after: $cursor) {
    edges {
      node {
        id
        name
        profile { email city }
        licensesConnection(first: 3) {
          edges {
            node {
              key
              status
              expiresAt
              datalinks {
                createdAt
                controller {
                  nodeId
                  name
                  hardware { firmwareVersion serialNumber }
                  id
                  id
                }
                id
                id
              }
              id
              id
              __typename
            }
            cursor
          }
          pageInfo { endCursor hasNextPage }
        }
        id
        __typename
      }
      cursor
    }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** An Apollo Client dashboard: 11 fields deep at most (customers ... datalinks { id }). */
const APOLLO_QUERY = `query Dashboard($first: Int, $customerId: ID!) {
  customers(first: $first) {
    ...CustomerPage
    __typename
  }
  node(id: $customerId) {
    __typename
    id
    ... on Customer {
      ...CustomerSummary
      __typename
    }
  }
}

fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
  __typename
}

fragment LicenseFields on License {
  id
  key
  status
  source {
    id
    kind
    __typename
  }
  __typename
}

fragment LicenseWithDatalinks on License {
  ...LicenseFields
  datalinks {
    id
    nodeId
    createdAt
    __typename
  }
  __typename
}

fragment CustomerSummary on Customer {
  id
  name
  profile {
    email
    city
    __typename
  }
  __typename
}

fragment ControllerRow on Controller {
  id
  nodeId
  ... on Node {
    id
    __typename
  }
  licensesConnection(first: 2) {
    edges {
      cursor
      node {
        ...LicenseWithDatalinks
        __typename
      }
      __typename
    }
    pageInfo {
      ...PageInfoFields
      __typename
    }
    __typename
  }
  __typename
}

fragment CustomerRow on Customer {
  ...CustomerSummary
  controllersConnection(first: 5) {
    edges {
      cursor
      node {
        ...ControllerRow
        __typename
      }
      __typename
    }
    pageInfo {
      ...PageInfoFields
      __typename
    }
    __typename
  }
  __typename
}

fragment CustomerPage on CustomerConnection {
  edges {
    cursor
    node {
      ...CustomerRow
      __typename
    }
    __typename
  }
  pageInfo {
    ...PageInfoFields
    __typename
  }
  __typename
}
`;

const RELAY_VARIABLES = { count: 3, cursor: null };
const APOLLO_VARIABLES = { first: 3, customerId: "demo-customer-2" };

describe("with the default limits (maxDepth 12)", () => {
  const t = useTestGateway();
  const query = (document: string, variables?: unknown) => post(t.gateway.url, json({ query: document, variables }));

  /** Answered, not refused: data, and no error about a limit (a vendor's own trouble may still add an error). */
  async function expectAnswered(document: string, variables: unknown) {
    const res = await query(document, variables);
    const body = expectWellFormed(res);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(body.errors ?? [], res.text.slice(0, 300)).toEqual([]);
    return body;
  }

  it("a Relay query of named fragments 10 fields deep passes the depth limit of 12", async () => {
    const body = await expectAnswered(relayQuery(CHIP_10_DEEP), RELAY_VARIABLES);
    expect(body.data).toMatchObject({ customers: { edges: expect.any(Array) } });
  });

  it("a Relay query of named fragments exactly 12 fields deep passes", async () => {
    await expectAnswered(relayQuery(CHIP_12_DEEP), RELAY_VARIABLES);
  });

  it("the same Relay query one field deeper is refused, and the message says 13 fields, not the fragments' levels", async () => {
    const [error] = expectRefused(await query(relayQuery(CHIP_13_DEEP), RELAY_VARIABLES), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
    expect(error!.message).toBe("Query depth limit of 12 exceeded, found 13.");
  });

  it("an Apollo Client query with __typename everywhere, fragments in fragments and type conditions, 11 fields deep, passes", async () => {
    const body = await expectAnswered(APOLLO_QUERY, APOLLO_VARIABLES);
    expect(body.data).toMatchObject({ node: { __typename: "Customer", id: "demo-customer-2" } });
  });

  it("a deep document hidden in a chain of one-field fragments is still refused", async () => {
    // customer, then licenses/customer alternating through 12 fragments, then key: 14 fields.
    const chain = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0 ? `fragment F${i} on Customer { licenses { ...F${i + 1} } }` : `fragment F${i} on License { customer { ...F${i + 1} } }`,
    );
    const document = `{ customer(id: "demo-customer-1") { ...F0 } }\n${chain.join("\n")}\nfragment F12 on Customer { name }`;
    const [error] = expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
    expect(error!.message).toBe("Query depth limit of 12 exceeded, found 14.");
  });

  it("a deep document hidden in inline fragments is still refused", async () => {
    // An inline fragment inside every other field, so the brackets stay within what the lexer's guard allows.
    const levels = ['customer(id: "demo-customer-1")', ...Array.from({ length: 11 }, (_, i) => (i % 2 === 0 ? "licenses" : "customer"))];
    const open = levels.map((field, i) => (i % 2 === 0 ? `${field} { ... {` : `${field} {`)).join(" ");
    const close = levels.map((_, i) => (i % 2 === 0 ? "} }" : "}")).join(" ");
    const document = `{ ${open} key ${close} }`;
    const [error] = expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxDepth");
    expect(error!.message).toBe("Query depth limit of 12 exceeded, found 13.");
  });

  it.each([
    ["a fragment spread in itself", `{ customer(id: "demo-customer-1") { ...A } } fragment A on Customer { name ...A }`],
    [
      "two fragments spread in each other",
      `{ customer(id: "demo-customer-1") { ...A } } fragment A on Customer { licenses { customer { ...B } } } fragment B on Customer { ...A }`,
    ],
  ])("%s is refused by graphql's own rule, without hanging", async (_, document) => {
    const [error] = expectRefused(await query(document), 400, "GRAPHQL_VALIDATION_FAILED");
    expect(error!.message).toMatch(/^Cannot spread fragment "A" within itself/);
  });

  it("a fragment spread 2^40 times over through 40 fragments is measured without expanding it", async () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, ... F39 selects one scalar: 2^40 scalars once flattened. Each spread
    // counts (as the same fields written out would), so the cost is 2 + 1.2 * 2^40; reaching that number by
    // expanding the spreads would not finish.
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Customer { ...F${i + 1} ...F${i + 1} }`);
    const document = `{ customer(id: "demo-customer-1") { ...F0 } }\n${fragments.join("\n")}\nfragment F40 on Customer { name }`;
    const [error] = expectRefused(await query(document), 400, "OPERATION_LIMIT_EXCEEDED", "maxCost");
    expect(error!.message).toBe(`Query Cost limit of 20000 exceeded, found ${2 + 1.2 * 2 ** 40}.`);
  });

  it("a directive on a fragment spread counts at every spread, as written in place, not at the first spread only", async () => {
    const spreads = (n: number) => Array.from({ length: n }, () => "...F @include(if: true)").join(" ");
    const document = (n: number) => `{ customer(id: "demo-customer-1") { ${spreads(n)} } } fragment F on Customer { name }`;
    const [error] = expectRefused(await query(document(21)), 400, "OPERATION_LIMIT_EXCEEDED", "maxDirectives");
    expect(error!.message).toBe("Directives limit of 20 exceeded, found 21.");
    await expectAnswered(document(20), undefined);
  });

  it("an alias inside a fragment counts at every spread (each spread may multiply the answer)", async () => {
    const document = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `c${i}: customer(id: "demo-customer-1") { ...F }`).join(" ")} } fragment F on Customer { n: name }`;
    const [error] = expectRefused(await query(document(16)), 400, "OPERATION_LIMIT_EXCEEDED", "maxAliases");
    expect(error!.message).toBe("Aliases limit of 30 exceeded, found 32.");
    await expectAnswered(document(15), undefined);
  });
});

describe("the measures themselves, with limits every document exceeds", () => {
  const t = useTestGateway({ serverOverrides: { limits: { maxDepth: 1, maxCost: 1 } } });
  const measures = async (document: string, variables?: unknown) => {
    const errors = expectRefused(
      await post(t.gateway.url, json({ query: document, variables })),
      400,
      "OPERATION_LIMIT_EXCEEDED",
      "maxDepth",
    );
    return errors.map((error) => `${error.extensions.limit}: ${error.message}`);
  };

  it("a Relay query of named fragments and the same fields written inline have the same depth and the same cost", async () => {
    const inline = await measures(RELAY_QUERY_INLINE, RELAY_VARIABLES);
    // 334.86 is what graphql-armor found for the inline form (334.8579153919999): inline documents cost what they did.
    expect(inline).toEqual([
      "maxDepth: Query depth limit of 1 exceeded, found 10.",
      "maxCost: Query Cost limit of 1 exceeded, found 334.86.",
    ]);
    expect(await measures(relayQuery(CHIP_10_DEEP), RELAY_VARIABLES)).toEqual(inline);
  });

  it("inline fragments add no level and no cost", async () => {
    const plain = await measures(`{ customer(id: "demo-customer-1") { id name licenses { key } } }`);
    expect(plain).toEqual(["maxDepth: Query depth limit of 1 exceeded, found 3.", "maxCost: Query Cost limit of 1 exceeded, found 8.24."]);
    expect(
      await measures(`{ customer(id: "demo-customer-1") { ... on Customer { id ... { name } } licenses { ... on License { key } } } }`),
    ).toEqual(plain);
  });
});

describe("trusted documents are checked with the same measures", () => {
  it("a Relay document of named fragments 10 fields deep can be published; the 13-deep one is refused, found 13", async () => {
    const sofar = { kind: "eniris", apiUrl: "https://api.eniris.be", authUrl: "https://authentication.eniris.be", refreshToken: "rt" };
    const check = documentChecker(await buildGatewaySchema(), parseConfig({ sources: { sofar } }, {}).server.limits);
    expect(check(relayQuery(CHIP_10_DEEP))).toEqual({ ok: true, operationType: "query", operationName: "CustomersPageQuery" });
    expect(check(APOLLO_QUERY)).toMatchObject({ ok: true });
    expect(check(relayQuery(CHIP_13_DEEP))).toEqual({ ok: false, problem: "Query depth limit of 12 exceeded, found 13." });
  });
});
