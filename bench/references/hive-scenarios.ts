import type { Scenario, ScenarioId } from "../scenarios.js";
import { SCENARIOS } from "../scenarios.js";
import type { World } from "../vendors-process.js";

/**
 * The `sofar1` and `sofar20` scenarios asked of Hive Gateway, in the schema it generates from the Eniris
 * OpenAPI document: the operation `getLicensesByCustomer` (GET /v1/license/customer/{customerId}) is the root
 * field `getLicensesByCustomer(customerId: UUID!)`, whose type is a union of the 200 answer and the documented
 * error envelopes. Hive has no store, so it is given the synthetic customers' Eniris customer UUIDs directly;
 * the gateway is given its own customer ids and maps them to Eniris accounts through its store.
 *
 * The license fields are the vendor's own that the gateway's selection is made of (the gateway derives `status`
 * and `expiresAt` from activation, deactivation and duration). Operations come in the gateway scenario's order,
 * customer for customer, so answers can be compared pairwise (hive-answers.ts).
 */

export const HIVE_SCENARIO_IDS: readonly ScenarioId[] = ["sofar1", "sofar20"];

const LICENSES = `fragment Licenses on getLicensesByCustomer_response {
  __typename
  ... on getLicensesByCustomer_200_response { licenses { id key type activationDate deactivationDate duration } }
}`;

/** Every documented error envelope of the generated schema is named so (`_schemas_api_errors_401_json`, ...). */
const ERROR_MEMBER = `"__typename":"_schemas_api_errors_`;

/** The synthetic customers' Eniris (sofar) customer UUIDs, in the gateway scenarios' order. */
export function enirisCustomerIds(world: World): string[] {
  return world.customers.map((c) => {
    const account = c.accounts.find((a) => a.source === "sofar");
    if (!account) throw new Error(`synthetic customer ${c.id} has no sofar account`);
    return account.externalId;
  });
}

export function hiveScenario(id: ScenarioId, world: World): Scenario {
  const uuids = enirisCustomerIds(world);
  const base = SCENARIOS[id];
  const common = {
    id,
    title: base.title,
    description: base.description,
    failureMarker: ERROR_MEMBER,
    ...(base.upstreamKeys === undefined ? {} : { upstreamKeys: base.upstreamKeys }),
  };
  if (id === "sofar1") {
    return {
      ...common,
      operations: uuids.map((uuid) => ({
        query: `query SofarOne($id: UUID!) { getLicensesByCustomer(customerId: $id) { ...Licenses } }\n${LICENSES}`,
        variables: { id: uuid },
      })),
    };
  }
  if (id === "sofar20") {
    // 20 aliases of the one root field in one operation, each customer a variable, as the gateway's ids are.
    const names = uuids.map((_, i) => `c${String(i + 1).padStart(2, "0")}`);
    const query =
      `query SofarTwenty(${names.map((n) => `$${n}: UUID!`).join(", ")}) {\n` +
      names.map((n) => `  ${n}: getLicensesByCustomer(customerId: $${n}) { ...Licenses }`).join("\n") +
      `\n}\n${LICENSES}`;
    return { ...common, operations: [{ query, variables: Object.fromEntries(names.map((n, i) => [n, uuids[i]])) }] };
  }
  throw new Error(`no Hive Gateway form of the ${id} scenario`);
}
