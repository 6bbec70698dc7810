import type { ErrorCode } from "../../src/errors/codes.js";
import { cryptolensDemoData } from "../../src/simulators/cryptolens/data.js";
import { DEFAULT_CRYPTOLENS_TOKEN, startCryptolensSimulator } from "../../src/simulators/cryptolens/server.js";
import { customerareaDemoData } from "../../src/simulators/customerarea/data.js";
import { DEFAULT_CUSTOMERAREA_API_KEYS, startCustomerareaSimulator } from "../../src/simulators/customerarea/server.js";
import { enirisDemoData } from "../../src/simulators/eniris/data.js";
import { startEnirisSimulator } from "../../src/simulators/eniris/server.js";
import { esmartDemoData } from "../../src/simulators/esmart/data.js";
import { defaultEsmartUsers, startEsmartSimulator } from "../../src/simulators/esmart/server.js";
import { CryptolensSource } from "../../src/sources/cryptolens/source.js";
import { CustomerareaSource } from "../../src/sources/customerarea/source.js";
import { EnirisSource } from "../../src/sources/eniris/source.js";
import { EsmartSource } from "../../src/sources/esmart/source.js";
import type { ContactPatch, LicenseSource } from "../../src/sources/source.js";

/**
 * One fixture per source kind for the contract suites (STYLE point 8: the same contract tests run against every
 * source). A fixture starts its vendor's simulator, builds the source against it, and names the seed's ids by the
 * role the contract needs; the suites know nothing else about a vendor.
 *
 * Examples are read from the seed's `examples` (roles, never positions) when this module loads, so the suites can
 * name one test per case before any simulator runs; `start()` checks the running simulator serves the same seed.
 */

/** Every source under contract gives up after this long, so the slow-answer cases stay fast. */
export const SHORT_TIMEOUT_MS = 500;
/** Simulator latency for the slow-answer case: well past SHORT_TIMEOUT_MS. */
export const SLOW_LATENCY_MS = SHORT_TIMEOUT_MS + 1_500;

/** The faults every simulator injects the same way (`src/simulators/http-kit.ts`); no path, so every request. */
export type GenericFault = ({ kind: "malformed" } | { kind: "timeout" } | { kind: "status"; status: number }) & {
  /** How many requests it spoils; default all until clearFaults(). */
  times?: number;
};

/** What the suites do with a simulator, whatever its vendor. */
export interface SimulatorControl {
  fault(rule: GenericFault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  /** Data, faults, calls and latency back to their start. */
  reset(): void;
  close(): Promise<void>;
  /** Every request the simulator saw (all its hosts), faulted ones included. */
  calls: { count(): number };
}

/** A running simulator and the sources built against it. */
export interface Harness {
  sim: SimulatorControl;
  /** A new source with working credentials and `timeoutMs` = SHORT_TIMEOUT_MS; a fresh health() on every call. */
  source(): LicenseSource;
  /** The same source, with credentials the vendor refuses. */
  badSource(): LicenseSource;
  /** Every credential either source holds: none may show in any error. */
  secrets: readonly string[];
  /** Closes every source built so far (afterEach). */
  closeSources(): Promise<void>;
}

// ---- license sources -------------------------------------------------------------------------------------

export interface ClaimCase {
  /** What the case is, for the test name. */
  what: string;
  key: string;
  nodeId: string;
}

export interface VendorClaimExamples {
  /** A (key, nodeId) pair the vendor accepts, and the account that lists the key. */
  claimable: ClaimCase & { ownerAccount: string };
  /** The vendor's documented refusals, each with the code the contract promises for it. */
  failures: (ClaimCase & { code: ErrorCode })[];
}

export interface LicenseExamples {
  /** An account with licenses. */
  account: string;
  /** An account id the source accepts (validateAccountId) but the vendor does not know. */
  unknownAccount: string;
  /** A key among `account`'s licenses. */
  key: string;
  /** A controller the vendor knows, for reads by controller (used only where the source has them). */
  nodeId: string;
  /** Present exactly when the fixture's `claims` is "vendor". */
  claim?: VendorClaimExamples;
}

/**
 * Where an adapter is known to break the contract, its fixture says so with the reason, and the suite runs that one
 * test as `it.fails`: it turns red the day the adapter is fixed, and the entry goes.
 */
export interface KnownDeviations {
  /** The license `claim` returns does not list the claimed controller in its datalinks. */
  claimedLicenseLinksNode?: string;
}

export interface LicenseFixture {
  /** Test-name label: the source kind (and brand). */
  name: string;
  sourceId: string;
  /** How a license is found by key: the source's own `findLicense`, or the gateway scanning accounts. */
  lookup: "findLicense" | "scan";
  /** Who records a claim: the vendor (`claim`), or the gateway's store (`claimsKeptByGateway`). */
  claims: "vendor" | "gateway";
  examples: LicenseExamples;
  deviations?: KnownDeviations;
  start(): Promise<Harness>;
}

/** Sources are cheap: each test builds its own (fresh health), and afterEach closes them all. */
function tracked(): { track<S extends LicenseSource>(source: S): S; closeAll(): Promise<void> } {
  const open: LicenseSource[] = [];
  return {
    track: (source) => {
      open.push(source);
      return source;
    },
    closeAll: async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    },
  };
}

/** The running simulator must serve the seed the examples were read from. */
function sameSeed(kind: string, live: unknown, read: unknown): void {
  if (JSON.stringify(live) !== JSON.stringify(read)) throw new Error(`${kind} simulator serves other examples than its seed function`);
}

const http = { timeoutMs: SHORT_TIMEOUT_MS, connections: 4, maxResponseBytes: 1024 * 1024 };

const enirisSeed = enirisDemoData("sofar");
const enirisOwner = (key: string): string => enirisSeed.licenses.find((l) => l.key === key)!.customerId;

const eniris: LicenseFixture = {
  name: "eniris (sofar)",
  sourceId: "sofar",
  lookup: "scan",
  claims: "vendor",
  examples: ((ex) => ({
    account: ex.customerWithLicensesId,
    // A well-formed uuid (validateAccountId) that is no customer of the seed.
    unknownAccount: "00000000-0000-4000-8000-00000000c0de",
    key: ex.activeClaimedKey,
    nodeId: ex.controllerWithLicensesNodeId,
    claim: {
      claimable: {
        what: "an unclaimed license",
        key: ex.activeUnclaimedKey,
        nodeId: ex.controllerWithoutLicensesNodeId,
        ownerAccount: enirisOwner(ex.activeUnclaimedKey),
      },
      failures: [
        {
          what: "a license claimed already",
          key: ex.activeClaimedKey,
          nodeId: ex.controllerWithoutLicensesNodeId,
          code: "LICENSE_ALREADY_CLAIMED",
        },
        { what: "an unknown key", key: "SOFAR-NO-SUCH-KEY", nodeId: ex.controllerWithoutLicensesNodeId, code: "NOT_FOUND" },
        { what: "an unknown controller", key: ex.activeUnclaimedKey, nodeId: "sofar-ctrl-no-such-node", code: "NOT_FOUND" },
      ],
    },
  }))(enirisSeed.examples),
  async start() {
    const sim = await startEnirisSimulator({ brand: "sofar" });
    sameSeed("eniris", sim.data.examples, enirisSeed.examples);
    const refreshToken = "demo-refresh-token-sofar";
    const wrongToken = "contract-wrong-refresh-token-9c41e7";
    const sources = tracked();
    const build = (token: string) =>
      sources.track(new EnirisSource("sofar", { kind: "eniris", apiUrl: sim.apiUrl, authUrl: sim.authUrl, refreshToken: token, ...http }));
    return {
      sim,
      source: () => build(refreshToken),
      badSource: () => build(wrongToken),
      secrets: [refreshToken, wrongToken],
      closeSources: sources.closeAll,
    };
  },
};

const cryptolensSeed = cryptolensDemoData();
const cryptolensOwner = (key: string): string => String(cryptolensSeed.keys.find((k) => k.key === key)!.customerId);

const cryptolens: LicenseFixture = {
  name: "cryptolens",
  sourceId: "lens",
  lookup: "findLicense",
  claims: "vendor",
  examples: ((ex) => ({
    account: cryptolensOwner(ex.activeKeyWithFreeSlot),
    unknownAccount: String(Math.max(...cryptolensSeed.customers.map((c) => c.id)) + 1000),
    key: ex.activeKeyWithFreeSlot,
    nodeId: ex.controllerWithKeyNodeId,
    claim: {
      claimable: {
        what: "a key with no machine yet",
        key: ex.activeUnactivatedKey,
        nodeId: ex.controllerWithoutKeyNodeId,
        ownerAccount: cryptolensOwner(ex.activeUnactivatedKey),
      },
      failures: [
        {
          what: "a key at its machine limit",
          key: ex.keyAtMachineLimit,
          nodeId: ex.controllerWithoutKeyNodeId,
          code: "LICENSE_CLAIM_LIMIT_REACHED",
        },
        { what: "a blocked key", key: ex.blockedKey, nodeId: ex.controllerWithoutKeyNodeId, code: "LICENSE_BLOCKED" },
        { what: "an unknown key", key: "NOSUC-HKEYX-XXXXX-XXXXX", nodeId: ex.controllerWithoutKeyNodeId, code: "NOT_FOUND" },
      ],
    },
  }))(cryptolensSeed.examples),
  async start() {
    const sim = await startCryptolensSimulator();
    sameSeed("cryptolens", sim.data.examples, cryptolensSeed.examples);
    const wrongToken = "contract-wrong-cryptolens-token-52ab90";
    const sources = tracked();
    const build = (token: string) =>
      sources.track(new CryptolensSource("lens", { kind: "cryptolens", url: sim.url, token, productId: sim.data.productId, ...http }));
    return {
      sim,
      source: () => build(DEFAULT_CRYPTOLENS_TOKEN),
      badSource: () => build(wrongToken),
      secrets: [DEFAULT_CRYPTOLENS_TOKEN, wrongToken],
      closeSources: sources.closeAll,
    };
  },
};

const customerareaSeed = customerareaDemoData();

const customerarea: LicenseFixture = {
  name: "customerarea",
  sourceId: "flashstart",
  lookup: "scan",
  claims: "gateway",
  examples: ((ex) => ({
    account: String(ex.customerWithLicencesCode),
    unknownAccount: String(ex.unknownCustomerCode),
    // The vendor has no licence key: `License.key` is the licence id (see the adapter's mapper).
    key: String(ex.activeLicenceId),
    // The vendor has no controllers, and the source no reads by controller.
    nodeId: "no-controllers-at-customerarea",
  }))(customerareaSeed.examples),
  async start() {
    const sim = await startCustomerareaSimulator();
    sameSeed("customerarea", sim.data.examples, customerareaSeed.examples);
    const apiKey = DEFAULT_CUSTOMERAREA_API_KEYS[0]!;
    const wrongKey = "contract-wrong-api-key-7e30d1";
    const sources = tracked();
    const build = (key: string) =>
      sources.track(new CustomerareaSource("flashstart", { kind: "customerarea", url: sim.url, apiKey: key, ...http }));
    return {
      sim,
      source: () => build(apiKey),
      badSource: () => build(wrongKey),
      secrets: [apiKey, wrongKey],
      closeSources: sources.closeAll,
    };
  },
};

export const licenseFixtures: readonly LicenseFixture[] = [eniris, cryptolens, customerarea];

// ---- directory sources -----------------------------------------------------------------------------------

export interface DirectoryExamples {
  /** A customer the vendor knows. */
  account: string;
  /** An account id the source accepts but the vendor does not know. */
  unknownAccount: string;
  /** A controller serial number with hardware (and devices) at the vendor. */
  serialNumber: string;
  /** A controller serial number the vendor has no hardware for. */
  unknownSerialNumber: string;
  /** A patch the vendor's documented rules accept. */
  goodContact: ContactPatch;
  /** Patches the vendor's documented rules refuse, each with the input field it must blame. */
  badContacts: { what: string; patch: ContactPatch; field: string[] }[];
}

export interface DirectoryFixture {
  name: string;
  sourceId: string;
  examples: DirectoryExamples;
  start(): Promise<Harness>;
}

const esmartSeed = esmartDemoData();

const esmart: DirectoryFixture = {
  name: "esmart (power)",
  sourceId: "esmart",
  examples: ((ex) => ({
    account: ex.activeGatewayOwnerId,
    unknownAccount: "ES-99999",
    serialNumber: ex.activeGatewaySerialNumber,
    unknownSerialNumber: ex.controllerSerialNumbersWithoutGateway[0]!,
    goodContact: { phoneNumber: "3250999999" },
    badContacts: [
      { what: "an email that is no address", patch: { email: "not-an-address" }, field: ["input", "email"] },
      { what: "a phone number with a '+'", patch: { phoneNumber: "+3250123456" }, field: ["input", "phoneNumber"] },
      { what: "a mobile number of 15 digits", patch: { mobileNumber: "123456789012345" }, field: ["input", "mobileNumber"] },
      { what: "an empty patch", patch: {}, field: ["input"] },
    ],
  }))(esmartSeed.examples),
  async start() {
    const sim = await startEsmartSimulator();
    sameSeed("esmart", sim.data.examples, esmartSeed.examples);
    const user = defaultEsmartUsers()[0]!;
    const wrongPassword = "contract-wrong-password-3d8f02";
    const sources = tracked();
    const build = (password: string) =>
      sources.track(
        new EsmartSource("esmart", { kind: "esmart", url: sim.url, username: user.username, password, area: "power", ...http }),
      );
    const basic = (password: string) => Buffer.from(`${user.username}:${password}`, "utf8").toString("base64");
    return {
      sim,
      source: () => build(user.password),
      badSource: () => build(wrongPassword),
      secrets: [user.password, wrongPassword, basic(user.password), basic(wrongPassword)],
      closeSources: sources.closeAll,
    };
  },
};

export const directoryFixtures: readonly DirectoryFixture[] = [esmart];

/** One fixture per source kind. */
export const fixtures: readonly (LicenseFixture | DirectoryFixture)[] = [...licenseFixtures, ...directoryFixtures];
