import type { ControllerView } from "../../federation/reads.js";
import { keyedConnection } from "./connection.js";

/**
 * A customer's controllers as a connection: ordered by node id in code-unit order; the cursor is
 * `["Controller", nodeId]`, so a controller keeps its cursor whatever else is registered or moved, and a cursor
 * stays valid when its own controller moves to another customer.
 */
export const controllerConnection = keyedConnection<ControllerView>("Controller", (controller) => controller.nodeId);
