import { printSchema } from "graphql";
import { buildGatewaySchema } from "./schema.js";

/** The committed contract: the schema as graphql-js prints it, in the order the code declares it. */
export async function printGatewaySchema(): Promise<string> {
  const header = "# Emitted from the code by `npm run schema:emit`; do not edit. A test fails when this file and the code differ.\n\n";
  return header + printSchema(await buildGatewaySchema()) + "\n";
}
