import { writeFile } from "node:fs/promises";
import { renderConfigurationDoc } from "./configuration-doc.js";

/** Writes docs/configuration.md from the config schema. Run after changing src/config/schema.ts; a test fails until you do. */
const file = new URL("../docs/configuration.md", import.meta.url);
await writeFile(file, renderConfigurationDoc());
console.log(`wrote ${file.pathname}`);
