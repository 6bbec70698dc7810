import type { Store } from "../src/store/store.js";
import type { SyntheticCustomer } from "../test/support/world.js";

/**
 * The synthetic customers and their controllers, written straight to the store: what test/e2e/federation-call-counts
 * does through the API. Its own small module: the bench's gateway process imports it and nothing more of the probes.
 */
export async function registerCustomers(store: Store, customers: readonly SyntheticCustomer[]): Promise<void> {
  await store.transaction(async (tx) => {
    for (const c of customers) {
      await tx.customers.upsert({ id: c.id, name: `Customer ${c.id}`, accounts: c.accounts });
      await tx.controllers.upsert({ nodeId: c.nodeId, serialNumber: c.serialNumber, customerId: c.id });
    }
  });
}
