import { DEMO_CUSTOMER_IDS } from "../src/demo/seed.js";
import { DEMO_EXAMPLES } from "../src/server/graphiql-examples.js";
import { enirisDemoData } from "../src/simulators/eniris/data.js";

/**
 * What the bench asks the gateway. Each scenario is a list of operations a client cycles through (one element
 * for a fixed query), or, for the claim, the recipe of a claim/release pair built per connection in the load
 * process. Everything here is data; the load and the isolated runs share it.
 */

export type ScenarioId = "license" | "customer" | "customers20" | "claim" | "repeated" | "sofar1" | "sofar20";
export const SCENARIO_IDS: readonly ScenarioId[] = ["license", "customer", "customers20", "claim", "repeated", "sofar1", "sofar20"];

export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
}

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** For the README and the table's legend. */
  description: string;
  /** Read scenarios: the operations, cycled through by every connection (each starting at a different one). */
  operations?: GraphQLBody[];
  /** The claim scenario: claim and release alternate, each connection on a license of its own. */
  claims?: true;
  /** The distinct vendor calls one operation needs: the upstream calls a gateway should make, no more. */
  upstreamKeys?: number;
  /**
   * Text that marks a failed answer besides GraphQL errors: Hive answers a vendor's 401 or 404 as a member of a
   * union (`_schemas_api_errors_401_json`), in a 200 without errors.
   */
  failureMarker?: string;
}

const ONE_CUSTOMER = DEMO_EXAMPLES.find((e) => e.name === "One customer")!.query;

/** An active Sofar license that is linked to a controller (so `datalinks` has something to say). */
const SOFAR_LICENSE = enirisDemoData("sofar").licenses[0]!;

const LICENSE_BY_ID = `query LicenseById($id: ID!) {
  license(id: $id) { id key type status activatedAt expiresAt durationMonths source { id } datalinks { nodeId } }
}`;

/** The N+1 trap: every customer's licenses, their datalinks and controllers, and each controller's hardware. */
const CUSTOMERS_WITH_EVERYTHING = `query Customers20 {
  customers(first: 20) { edges { node {
    id name
    licenses { key status source { id } datalinks { nodeId controller { nodeId name hardware { firmwareVersion devices { type } } } } }
    controllers { nodeId serialNumber hardware { active lastSeenAt } licenses { key source { id } } }
  } } }
}`;

/** The synthetic customers' ids (test/support/world.ts; the vendors process adds 20). */
const SYNTHETIC_IDS = Array.from({ length: 20 }, (_, i) => `syn-customer-${String(i + 1).padStart(3, "0")}`);

/** One vendor's licenses of a customer: what a REST-to-GraphQL gateway over the Eniris API answers with one call. */
const SOFAR_LICENSES = `licensesConnection(source: "sofar", first: 50) { edges { node { id key status type activatedAt expiresAt } } }`;

export const SCENARIOS: Record<ScenarioId, Scenario> = {
  license: {
    id: "license",
    title: "one license by id",
    description: `\`license(id)\` of one Sofar license, with its datalinks.`,
    operations: [{ query: LICENSE_BY_ID, variables: { id: `sofar:${SOFAR_LICENSE.id}` } }],
  },
  customer: {
    id: "customer",
    title: "one customer, every source",
    description: `GraphiQL's "One customer" example (accounts, eSmart profile, licenses from all five sources, controllers with hardware, the Customerarea catalogue), cycling through the three demo customers.`,
    operations: DEMO_CUSTOMER_IDS.map((id) => ({ query: ONE_CUSTOMER, variables: { id } })),
  },
  customers20: {
    id: "customers20",
    title: "20 customers (N+1 trap)",
    description:
      "`customers(first: 20)` with licenses, their datalinks' controllers and hardware, and each customer's controllers with their licenses.",
    operations: [{ query: CUSTOMERS_WITH_EVERYTHING }],
  },
  claim: {
    id: "claim",
    title: "claim (mutation)",
    description:
      "`claimLicense` then `releaseLicense` of a Cryptolens key (key/Activate, key/Deactivate), alternating; each connection has a key of its own and every request a unique idempotencyKey.",
    claims: true,
  },
  sofar1: {
    id: "sofar1",
    title: "one customer's Sofar licenses",
    description: "One customer's licenses at one Eniris brand (one vendor call), cycling through the 20 synthetic customers.",
    operations: SYNTHETIC_IDS.map((id) => ({
      query: `query SofarOne($id: ID!) { customer(id: $id) { id ${SOFAR_LICENSES} } }`,
      variables: { id },
    })),
    upstreamKeys: 1,
  },
  sofar20: {
    id: "sofar20",
    title: "20 customers' Sofar licenses",
    description: "The 20 synthetic customers' licenses at one Eniris brand in one operation (`nodes`): 20 calls to one vendor at once.",
    operations: [
      {
        query: `query SofarTwenty($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { ${SOFAR_LICENSES} } } }`,
        variables: { ids: SYNTHETIC_IDS },
      },
    ],
    upstreamKeys: SYNTHETIC_IDS.length,
  },
  repeated: {
    id: "repeated",
    title: "same query repeated (cache)",
    description: `The "One customer" query for demo-customer-1, identical every time: what a cache is for.`,
    operations: [{ query: ONE_CUSTOMER, variables: { id: DEMO_CUSTOMER_IDS[0] } }],
  },
};

const CLAIM = `mutation Claim($input: ClaimLicenseInput!) {
  claimLicense(input: $input) { datalink { id nodeId } license { key status maxControllers } errors { code message } }
}`;
const RELEASE = `mutation Release($input: ReleaseLicenseInput!) {
  releaseLicense(input: $input) { license { key status } errors { code message } }
}`;

export interface ClaimTarget {
  source: string;
  key: string;
  nodeId: string;
}

export function claimBody(target: ClaimTarget, idempotencyKey: string): GraphQLBody {
  return { query: CLAIM, variables: { input: { ...target, idempotencyKey } } };
}

export function releaseBody(target: ClaimTarget, idempotencyKey: string): GraphQLBody {
  return { query: RELEASE, variables: { input: { ...target, idempotencyKey } } };
}

/**
 * A response that reports a failure: GraphQL errors, or a mutation payload's user errors (both arrays start
 * with an object when not empty; a payload's `"errors":[]` is success), or the scenario's `failureMarker`.
 */
export function reportsErrors(body: string, failureMarker?: string): boolean {
  return body.includes('"errors":[{') || (failureMarker !== undefined && body.includes(failureMarker));
}
