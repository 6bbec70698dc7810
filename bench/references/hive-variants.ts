/**
 * The two Hive Gateway references: its defaults, and its defaults plus its own two one-line caches. Each is a
 * `gateway.config.ts` that Hive loads itself (`hive-gateway supergraph -c <file>`), written into the run's
 * folder by hive-compose.ts.
 */

export type HiveVariantId = "hive" | "hiveCached";
export const HIVE_VARIANT_ORDER: readonly HiveVariantId[] = ["hive", "hiveCached"];

export interface HiveVariant {
  id: HiveVariantId;
  label: string;
  description: string;
  /** The options inside `defineConfig({ ... })`, as TypeScript source. */
  configOptions: string[];
}

/**
 * Logging at "warn": Hive's default (info) only adds start-up lines, but the gateway under test logs at warn,
 * and the bench reads the processes, not their logs.
 */
const QUIET = `logging: "warn"`;

export const HIVE_VARIANTS: Record<HiveVariantId, HiveVariant> = {
  hive: {
    id: "hive",
    label: "hive",
    description: "Hive Gateway 2.15.1 with its defaults over the Eniris OpenAPI document: no response cache, no inbound deduplication.",
    configOptions: [QUIET],
  },
  hiveCached: {
    id: "hiveCached",
    label: "hive cached",
    description:
      "Hive Gateway with its response cache shared by every client (`responseCaching: { session: () => null }`, in memory) and in-flight deduplication of identical incoming requests (`inboundInflightRequestDeduplication: true`).",
    configOptions: [
      QUIET,
      // One cache for everyone: the bench sends no credentials, as the gateway's cached variant shares its cache.
      `responseCaching: { session: () => null }`,
      // Identical requests arriving while the first is still executing wait for its result (off by default).
      `inboundInflightRequestDeduplication: true`,
    ],
  },
};

export function hiveConfigFile(variant: HiveVariant): string {
  return [
    `// Written by the license gateway's bench (bench/references/hive-variants.ts): ${variant.label}.`,
    `import { defineConfig } from "@graphql-hive/gateway";`,
    ``,
    `export const gatewayConfig = defineConfig({`,
    ...variant.configOptions.map((option) => `  ${option},`),
    `});`,
    ``,
  ].join("\n");
}
