import type { Selectable } from "kysely";
import { GatewayError, badInput } from "../errors/gateway-error.js";
import { tag } from "../domain/data-tags.js";
import { LOCAL_SOURCE_ID } from "../domain/model.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import type { ControllersTable } from "./database.js";
import { sqlState, type Db } from "./db.js";
import { toDate } from "./dialect.js";
import { prepared } from "./prepared.js";

export interface ControllerRow {
  nodeId: string;
  name: string | null;
  serialNumber: string | null;
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** For each optional field: `undefined` (or absent) keeps the stored value, `null` clears it. */
export interface UpsertControllerInput {
  nodeId: string;
  name?: string | null;
  serialNumber?: string | null;
  customerId?: string | null;
}

const CONTROLLER = ["node_id", "name", "serial_number", "customer_id", "created_at", "updated_at"] as const;

const toController = (r: Selectable<ControllersTable>): ControllerRow => ({
  nodeId: r.node_id,
  name: r.name,
  serialNumber: r.serial_number,
  customerId: r.customer_id,
  createdAt: toDate(r.created_at),
  updatedAt: toDate(r.updated_at),
});

export type ControllerQueries = ReturnType<typeof controllerQueries>;

// Read by the loaders of operations on controllers and customers: compiled once (prepared.ts).
const controllersById = prepared((db: Db, nodeIds: string[]) =>
  db.kysely.selectFrom("controllers").select(CONTROLLER).where(db.dialect.anyOf("node_id", nodeIds)),
);
const controllersOfCustomers = prepared((db: Db, customerIds: string[]) =>
  db.kysely.selectFrom("controllers").select(CONTROLLER).where(db.dialect.anyOf("customer_id", customerIds)).orderBy("node_id"),
);

export function controllerQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  const { kysely, dialect } = db;
  return {
    getMany: async (nodeIds: string[]) => (await controllersById(db, nodeIds)).map(toController),

    ofCustomers: async (customerIds: string[]) => (await controllersOfCustomers(db, customerIds)).map(toController),

    /**
     * Registers a controller or updates the fields given. One statement, so two concurrent upserts of the same
     * node cannot both insert. Only the fields given are set on a conflict, since SQL cannot tell undefined from null.
     */
    async upsert(input: UpsertControllerInput): Promise<ControllerRow> {
      if (input.nodeId.trim() === "") throw badInput(["input", "nodeId"], "nodeId must not be empty");
      const now = dialect.now();
      try {
        const row = await kysely
          .insertInto("controllers")
          .values({
            node_id: input.nodeId,
            name: input.name ?? null,
            serial_number: input.serialNumber ?? null,
            customer_id: input.customerId ?? null,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column("node_id").doUpdateSet((eb) => ({
              ...(input.name !== undefined ? { name: eb.ref("excluded.name") } : {}),
              ...(input.serialNumber !== undefined ? { serial_number: eb.ref("excluded.serial_number") } : {}),
              ...(input.customerId !== undefined ? { customer_id: eb.ref("excluded.customer_id") } : {}),
              updated_at: now,
            })),
          )
          .returning(CONTROLLER)
          .executeTakeFirstOrThrow();
        // The previous owner's list showed this controller, so its tag covers that list too.
        changed([
          tag.controller(input.nodeId),
          tag.node(LOCAL_SOURCE_ID, input.nodeId),
          ...(row.customer_id ? [tag.customer(row.customer_id)] : []),
        ]);
        return toController(row);
      } catch (error) {
        // The only foreign key on controllers is customer_id.
        if (sqlState(error) === "23503") {
          throw new GatewayError("NOT_FOUND", `no customer with id ${input.customerId}`, { field: ["input", "customerId"], cause: error });
        }
        throw error;
      }
    },
  };
}
