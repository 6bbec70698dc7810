import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.js";

export { deleteKeys } from "../support/redis-keys.js";

/** One gateway process, started as production starts it (test/support/gateway-process.ts). */
export interface Replica {
  name: string;
  url: string;
  process: GatewayProcess;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    status: number;
    cacheStatus: string | null;
    body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, any> }> };
  }>;
  stop(): Promise<void>;
}

/** Writes `config` to a temporary file (the replicas read the same one). */
export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "lg-replicas-"));
  const file = join(dir, "gateway.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Starts a gateway on `configFile` and resolves once it logged "gateway ready" (60 s at most). */
export async function startReplica(name: string, configFile: string): Promise<Replica> {
  const gateway = spawnGateway(configFile);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s: ${gateway.stderr()}`)), 60_000);
  });
  const url = await Promise.race([gateway.url, timeout]).finally(() => clearTimeout(timer));
  return {
    name,
    url,
    process: gateway,
    async gql(query, variables) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, cacheStatus: res.headers.get("cache-status"), body: (await res.json()) as any };
    },
    async stop() {
      if (gateway.child.exitCode !== null) return;
      gateway.child.kill("SIGTERM");
      const killer = setTimeout(() => gateway.child.kill("SIGKILL"), 15_000).unref();
      await gateway.exited;
      clearTimeout(killer);
    },
  };
}

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(5).toString("hex")}`;
