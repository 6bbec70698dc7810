import { writeFile } from "node:fs/promises";
import { printGatewaySchema } from "../src/graphql/print.js";

/** Writes schema/schema.graphql from the code. Run after changing any type; a test fails until you do. */
const file = new URL("../schema/schema.graphql", import.meta.url);
await writeFile(file, await printGatewaySchema());
console.log(`wrote ${file.pathname}`);
