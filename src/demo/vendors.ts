import type { SourceConfig } from "../config/schema.js";
import { startEnirisSimulator, type EnirisSimulator } from "../simulators/eniris/server.js";

export interface DemoVendors {
  sofar: EnirisSimulator;
  smartgridone: EnirisSimulator;
  /** Source configs pointing at the simulators: Sofar with a refresh token, SmartgridOne with a login, to show both flows. */
  sources: Record<string, SourceConfig>;
  close(): Promise<void>;
}

const upstreamDefaults = { timeoutMs: 10_000, connections: 16, maxResponseBytes: 5 * 1024 * 1024 };

/** Starts one simulator per demo vendor on 127.0.0.1, each on a free port. */
export async function startDemoVendors(options: { latencyMs?: number } = {}): Promise<DemoVendors> {
  const [sofar, smartgridone] = await Promise.all([
    startEnirisSimulator({ brand: "sofar", latencyMs: options.latencyMs ?? 0 }),
    startEnirisSimulator({ brand: "smartgridone", latencyMs: options.latencyMs ?? 0 }),
  ]);
  return {
    sofar,
    smartgridone,
    sources: {
      sofar: { kind: "eniris", apiUrl: sofar.apiUrl, authUrl: sofar.authUrl, refreshToken: "demo-refresh-token-sofar", ...upstreamDefaults },
      smartgridone: {
        kind: "eniris",
        apiUrl: smartgridone.apiUrl,
        authUrl: smartgridone.authUrl,
        username: "demo@example.com",
        password: "demo-password",
        ...upstreamDefaults,
      },
    },
    async close() {
      await Promise.all([sofar.close(), smartgridone.close()]);
    },
  };
}
