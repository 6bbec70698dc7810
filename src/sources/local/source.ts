import { GatewayError } from "../../errors/gateway-error.js";
import { LOCAL_SOURCE_ID, type ControllerInfo, type License } from "../../domain/model.js";
import type { Store } from "../../store/store.js";
import type { ActivateInput, BatchResult, ClaimInput, ClaimOutcome, LicenseMatch, LicenseSource, SourceHealth } from "../source.js";
import { claimToDatalink, localLicense } from "./mapper.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Licenses the gateway issues and keeps itself. Its "accounts" are the gateway's own customer ids. Bound to a
 * store, or to a transaction through `within(tx)` so a mutation and its audit entry commit together.
 */
export class LocalSource implements LicenseSource {
  readonly id = LOCAL_SOURCE_ID;
  readonly kind = "local";

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  within(tx: Store): LocalSource {
    return new LocalSource(tx, this.now);
  }

  async licensesOfAccounts(customerIds: readonly string[]): Promise<BatchResult<License[]>> {
    const rows = await this.store.licenses.ofCustomers([...customerIds]);
    const licenses = await this.withClaims(rows);
    return customerIds.map((id) => licenses.filter((l) => l.customerId === id));
  }

  async licensesOfControllers(nodeIds: readonly string[]): Promise<BatchResult<License[]>> {
    const claims = (await this.store.claims.ofNodes([...nodeIds])).filter((c) => c.source === LOCAL_SOURCE_ID);
    const licenses = await this.withClaims(await this.store.licenses.getMany(claims.map((c) => c.licenseExternalId)));
    return nodeIds.map((nodeId) => {
      const ids = new Set(claims.filter((c) => c.nodeId === nodeId).map((c) => c.licenseExternalId));
      return licenses.filter((l) => ids.has(l.externalId));
    });
  }

  async controllers(nodeIds: readonly string[]): Promise<BatchResult<ControllerInfo | null>> {
    const rows = await this.store.controllers.getMany([...nodeIds]);
    const byId = new Map(rows.map((r) => [r.nodeId, r]));
    return nodeIds.map((nodeId) => {
      const row = byId.get(nodeId);
      return row ? { nodeId, source: LOCAL_SOURCE_ID, name: row.name, serialNumber: row.serialNumber } : null;
    });
  }

  async findLicense(match: LicenseMatch): Promise<License | null> {
    // Local ids are UUIDs; anything else cannot exist (and PostgreSQL would reject it as a uuid literal).
    if ("externalId" in match && !UUID.test(match.externalId)) return null;
    const rows = "key" in match ? await this.store.licenses.byKeys([match.key]) : await this.store.licenses.getMany([match.externalId]);
    return (await this.withClaims(rows))[0] ?? null;
  }

  async activate(input: ActivateInput): Promise<License> {
    const result = await this.store.licenses.activate(input.key, input.activationIso ?? this.now());
    if (result === null)
      throw new GatewayError("NOT_FOUND", `no local license with key ${input.key}`, { source: this.id, field: ["input", "key"] });
    if (result.alreadyActivated) {
      throw new GatewayError("LICENSE_ALREADY_ACTIVATED", `license ${input.key} is already activated`, {
        source: this.id,
        field: ["input", "key"],
      });
    }
    return (await this.withClaims([result.row]))[0]!;
  }

  /** The caller checks that the controller exists; the store's unique claim per license decides races. */
  async claim(input: ClaimInput): Promise<ClaimOutcome> {
    const [row] = await this.store.licenses.byKeys([input.key]);
    if (!row) throw new GatewayError("NOT_FOUND", `no local license with key ${input.key}`, { source: this.id, field: ["input", "key"] });
    const claim = await this.store.claims.record({ source: this.id, licenseExternalId: row.id, licenseKey: row.key, nodeId: input.nodeId });
    const license = localLicense(row, [claim], this.now());
    return { licenseExternalId: row.id, key: row.key, nodeId: input.nodeId, license, vendorDatalinkId: claimToDatalink(claim).vendorId };
  }

  health(): SourceHealth {
    return {
      state: "ok",
      lastErrorCode: null,
      lastErrorAt: null,
      lastSuccessAt: null,
      circuit: "closed",
      latencyP50Ms: null,
      latencyP95Ms: null,
      errorRate: null,
    };
  }

  async close(): Promise<void> {
    // The store belongs to the gateway, which closes it.
  }

  private async withClaims(rows: Awaited<ReturnType<Store["licenses"]["getMany"]>>): Promise<License[]> {
    if (rows.length === 0) return [];
    const claims = await this.store.claims.ofLicenses(
      this.id,
      rows.map((r) => r.id),
    );
    const now = this.now();
    return rows.map((row) => localLicense(row, claims, now));
  }
}
