import { GatewayError, badInput } from "../errors/gateway-error.js";
import { tag } from "../cache/tags.js";
import { LOCAL_SOURCE_ID } from "../sources/local/mapper.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import { sqlState, type Db } from "./db.js";

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

const CONTROLLER = `node_id as "nodeId", name, serial_number as "serialNumber", customer_id as "customerId",
  created_at as "createdAt", updated_at as "updatedAt"`;

export type ControllerQueries = ReturnType<typeof controllerQueries>;

export function controllerQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  return {
    getMany: (nodeIds: string[]) =>
      db.query<ControllerRow>(`select ${CONTROLLER} from controllers where node_id = any($1::text[])`, [nodeIds]),

    ofCustomers: (customerIds: string[]) =>
      db.query<ControllerRow>(`select ${CONTROLLER} from controllers where customer_id = any($1::text[]) order by node_id`, [customerIds]),

    /**
     * Registers a controller or updates the fields given. One statement, so two concurrent upserts of the same
     * node cannot both insert. `$5..$7` say which fields were given, since SQL cannot tell undefined from null.
     */
    async upsert(input: UpsertControllerInput): Promise<ControllerRow> {
      if (input.nodeId.trim() === "") throw badInput(["input", "nodeId"], "nodeId must not be empty");
      try {
        const [row] = await db.query<ControllerRow>(
          `insert into controllers (node_id, name, serial_number, customer_id) values ($1, $2, $3, $4)
           on conflict (node_id) do update set
             name = case when $5::boolean then excluded.name else controllers.name end,
             serial_number = case when $6::boolean then excluded.serial_number else controllers.serial_number end,
             customer_id = case when $7::boolean then excluded.customer_id else controllers.customer_id end,
             updated_at = now()
           returning ${CONTROLLER}`,
          [
            input.nodeId,
            input.name ?? null,
            input.serialNumber ?? null,
            input.customerId ?? null,
            input.name !== undefined,
            input.serialNumber !== undefined,
            input.customerId !== undefined,
          ],
        );
        // The previous owner's list showed this controller, so its tag covers that list too.
        changed([tag.controller(input.nodeId), tag.node(LOCAL_SOURCE_ID, input.nodeId), ...(row!.customerId ? [tag.customer(row!.customerId)] : [])]);
        return row!;
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
