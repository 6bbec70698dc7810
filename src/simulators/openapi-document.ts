import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/**
 * A simulator's OpenAPI document, served as written (YAML) and as JSON. The JSON is made on its first request, not
 * at start-up: parsing the four documents took ~11% of the demo's CPU until its first answer (bench/startup.ts
 * --profile), and only a tool asking for /openapi.json (Hive Gateway's composition in the bench) ever reads it.
 */
export class OpenApiDocument {
  readonly yaml: string;
  #json: string | undefined;

  constructor(url: URL) {
    this.yaml = readFileSync(url, "utf8");
  }

  get json(): string {
    return (this.#json ??= JSON.stringify(parseYaml(this.yaml)));
  }
}
