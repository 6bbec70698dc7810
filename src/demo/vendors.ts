import type { SourceConfig } from "../config/schema.js";
import { DEFAULT_CRYPTOLENS_PRODUCT_ID } from "../simulators/cryptolens/data.js";
import { DEFAULT_CRYPTOLENS_TOKEN, startCryptolensSimulator, type CryptolensSimulator } from "../simulators/cryptolens/server.js";
import { DEFAULT_CUSTOMERAREA_API_KEYS, startCustomerareaSimulator, type CustomerareaSimulator } from "../simulators/customerarea/server.js";
import { startEnirisSimulator, type EnirisSimulator } from "../simulators/eniris/server.js";
import { defaultEsmartUsers, startEsmartSimulator, type EsmartSimulator } from "../simulators/esmart/server.js";
import type { EsmartUser } from "../simulators/esmart/request-context.js";

export interface DemoVendors {
  sofar: EnirisSimulator;
  smartgridone: EnirisSimulator;
  cryptolens: CryptolensSimulator;
  flashstart: CustomerareaSimulator;
  esmart: EsmartSimulator;
  /**
   * Source configs pointing at the simulators, with the simulators' demo credentials. Sofar uses a refresh token
   * and SmartgridOne a login, to show both Eniris flows.
   */
  sources: Record<string, SourceConfig>;
  close(): Promise<void>;
}

const upstreamDefaults = { timeoutMs: 10_000, connections: 16, maxResponseBytes: 5 * 1024 * 1024 };

/** Starts one simulator per demo vendor on 127.0.0.1, each on a free port. */
export async function startDemoVendors(options: { latencyMs?: number; esmartUser?: EsmartUser } = {}): Promise<DemoVendors> {
  const latencyMs = options.latencyMs ?? 0;
  const esmartUser = options.esmartUser ?? defaultEsmartUsers()[0]!;
  const [sofar, smartgridone, cryptolens, flashstart, esmart] = await Promise.all([
    startEnirisSimulator({ brand: "sofar", latencyMs }),
    startEnirisSimulator({ brand: "smartgridone", latencyMs }),
    startCryptolensSimulator({ latencyMs }),
    startCustomerareaSimulator({ latencyMs }),
    startEsmartSimulator({ latencyMs, users: [esmartUser] }),
  ]);
  return {
    sofar,
    smartgridone,
    cryptolens,
    flashstart,
    esmart,
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
      cryptolens: { kind: "cryptolens", url: cryptolens.url, token: DEFAULT_CRYPTOLENS_TOKEN, productId: DEFAULT_CRYPTOLENS_PRODUCT_ID, ...upstreamDefaults },
      flashstart: { kind: "customerarea", url: flashstart.url, apiKey: DEFAULT_CUSTOMERAREA_API_KEYS[0]!, ...upstreamDefaults },
      esmart: { kind: "esmart", url: esmart.url, username: esmartUser.username, password: esmartUser.password, area: "power", ...upstreamDefaults },
    },
    async close() {
      await Promise.all([sofar.close(), smartgridone.close(), cryptolens.close(), flashstart.close(), esmart.close()]);
    },
  };
}
