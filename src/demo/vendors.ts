import type { SourceConfigInput } from "../config/schema.js";
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
  sources: Record<string, SourceConfigInput>;
  close(): Promise<void>;
}

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
      sofar: { kind: "eniris", apiUrl: sofar.apiUrl, authUrl: sofar.authUrl, refreshToken: "demo-refresh-token-sofar" },
      smartgridone: {
        kind: "eniris",
        apiUrl: smartgridone.apiUrl,
        authUrl: smartgridone.authUrl,
        username: "demo@example.com",
        password: "demo-password",
      },
      cryptolens: { kind: "cryptolens", url: cryptolens.url, token: DEFAULT_CRYPTOLENS_TOKEN, productId: DEFAULT_CRYPTOLENS_PRODUCT_ID },
      flashstart: { kind: "customerarea", url: flashstart.url, apiKey: DEFAULT_CUSTOMERAREA_API_KEYS[0]! },
      esmart: { kind: "esmart", url: esmart.url, username: esmartUser.username, password: esmartUser.password, area: "power" },
    },
    async close() {
      await Promise.all([sofar.close(), smartgridone.close(), cryptolens.close(), flashstart.close(), esmart.close()]);
    },
  };
}
