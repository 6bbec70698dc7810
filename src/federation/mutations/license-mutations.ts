import type { Access } from "../../auth/policy.js";
import { GatewayError } from "../../errors/gateway-error.js";
import { claimToDatalink } from "../../sources/local/mapper.js";
import { LocalSource } from "../../sources/local/source.js";
import type { ClaimOutcome, LicenseSource } from "../../sources/source.js";
import type { Store } from "../../store/store.js";
import type { IssueLicenseInput } from "../../domain/issue-license.js";
import { datalinkId, LOCAL_SOURCE_ID, type Datalink, type License } from "../../domain/model.js";
import type { FederatedReads } from "../reads.js";
import type { SourceRegistry } from "../registry.js";
import { checkCustomerId, checkKey, checkNodeId, checkOptionalInt, checkText } from "../validate.js";
import { type AuditedWriter, unsupported, type UserErrorView, withoutNulls } from "./audited.js";
import { claimPayload } from "./claim-payload.js";
import { appendInTransaction, mutationEvent, type PublishEvents } from "./mutation-events.js";
import type { LicenseEvent, NewLicenseEvent } from "../../domain/license-events.js";

export interface ActivateLicenseInput {
  source: string;
  key: string;
  activationIso?: Date | null;
}
export interface ClaimLicenseInput {
  source: string;
  key: string;
  nodeId: string;
}
export interface ActivateResult {
  license: License | null;
  /** Set when the source needed no change (Cryptolens keys are active from creation). */
  note: string | null;
  errors: UserErrorView[];
}

export interface ClaimResult {
  license: License | null;
  datalink: (Datalink & { license: License | null }) | null;
  errors: UserErrorView[];
}

export interface ReleaseResult {
  license: License | null;
  errors: UserErrorView[];
}

/** A source that activates, as activateLicense's check found it. */
interface Activation {
  sourceId: string;
  activate: NonNullable<LicenseSource["activate"]>;
}

/**
 * Activate, claim, release and issue. Input is validated before any upstream call; a vendor call happens
 * outside the database transaction (never hold a connection across a vendor's latency), then the local record
 * and the audit entry commit together.
 *
 * Authorization comes before any vendor call too: issuing is for admins; activate, claim and release need a
 * license the principal may see (and claim a controller it may see), else NOT_FOUND as for a missing one.
 */
export class LicenseMutations {
  constructor(
    private readonly writer: AuditedWriter,
    private readonly sources: SourceRegistry,
    private readonly reads: FederatedReads,
    private readonly access: Access,
    /** Where the events of committed mutations go (the event bus); none, they are only stored. */
    private readonly publish: PublishEvents = () => {},
  ) {}

  /**
   * `writer.commit` with the mutation's license events appended in the same transaction and published once it has
   * committed: a mutation that rolls back reports nothing, and one that commits is reported at once.
   */
  private async commitReporting<T>(
    operation: string,
    input: object,
    write: (tx: Store) => Promise<{ result: T; events: (NewLicenseEvent | null)[] }>,
  ): Promise<T> {
    let committed: LicenseEvent[] = [];
    const result = await this.writer.commit(operation, input, async (tx) => {
      const written = await write(tx);
      committed = await appendInTransaction(tx, written.events);
      return written.result;
    });
    if (committed.length > 0) this.publish(committed);
    return result;
  }

  /** The customer a license belongs to, for its events: its own for a local one, else the one mapping its account. */
  private async customerOf(license: License | null): Promise<string | null> {
    if (license === null) return null;
    if (license.customerId !== null) return license.customerId;
    return (await this.reads.licenseCustomer(license))?.id ?? null;
  }

  activateLicense(input: ActivateLicenseInput): Promise<ActivateResult> {
    return this.writer.withPayload<ActivateResult, Activation>(
      "activateLicense",
      input,
      { license: null, note: null },
      () => this.mayActivate(input),
      async ({ sourceId, activate }) => {
        const request = { key: input.key, ...(input.activationIso ? { activationIso: input.activationIso } : {}) };
        if (sourceId === LOCAL_SOURCE_ID) {
          return this.commitReporting("activateLicense", input, async (tx) => {
            const license = await this.local(tx).activate(request);
            const event = mutationEvent("ACTIVATED", license, license.customerId, { previousStatus: "INACTIVE" });
            return { result: { license, note: null, errors: [] }, events: [event] };
          });
        }
        const { note, ...license } = await activate(request);
        // A note says the source changed nothing (a Cryptolens key is valid from creation): nothing to report.
        const customerId = note ? null : await this.customerOf(license);
        return this.commitReporting("activateLicense", input, async () => ({
          result: { license, note: note ?? null, errors: [] },
          events: [note ? null : mutationEvent("ACTIVATED", license, customerId, { previousStatus: "INACTIVE" })],
        }));
      },
    );
  }

  claimLicense(input: ClaimLicenseInput): Promise<ClaimResult> {
    return this.writer.withPayload<ClaimResult, LicenseSource>(
      "claimLicense",
      input,
      { license: null, datalink: null },
      () => this.mayClaimOrRelease(input, true),
      async (source) => {
        const gatewayIsAuthority = source.id === LOCAL_SOURCE_ID || source.claimsKeptByGateway === true;
        if (!gatewayIsAuthority) {
          if (!source.claim) throw unsupported(source, "claiming licenses");
          const outcome = await source.claim({
            key: input.key,
            nodeId: input.nodeId,
            ownerAccounts: await this.ownerAccounts(source.id, input),
          });
          const customerId = await this.customerOf(outcome.license);
          return this.asLaterRead(
            await this.commitReporting("claimLicense", input, async (tx) => ({
              result: await this.recordVendorClaim(tx, source, outcome),
              events: [outcome.license && mutationEvent("CLAIMED", outcome.license, customerId, { nodeId: input.nodeId })],
            })),
          );
        }
        // The gateway is the authority for these claims, so it checks what a vendor would: the controller exists.
        const controller = await this.reads.controller(input.nodeId, () => {});
        if (!controller) throw noController(source.id, input.nodeId);
        if (source.id === LOCAL_SOURCE_ID) {
          const committed = await this.commitReporting("claimLicense", input, async (tx) => {
            const outcome = await this.local(tx).claim({ key: input.key, nodeId: input.nodeId });
            const link = outcome.license?.datalinks?.find((d) => d.nodeId === input.nodeId) ?? null;
            return {
              result: { license: outcome.license, datalink: link && { ...link, license: outcome.license }, errors: [] },
              events: [outcome.license && mutationEvent("CLAIMED", outcome.license, outcome.license.customerId, { nodeId: input.nodeId })],
            };
          });
          return this.asLaterRead(committed);
        }
        return this.asLaterRead(await this.claimKeptByGateway(source, input));
      },
    );
  }

  /** A claim for a vendor without controllers (Customerarea): the license must exist there; the link is ours. */
  private async claimKeptByGateway(source: LicenseSource, input: ClaimLicenseInput): Promise<ClaimResult> {
    let failure: Error | undefined;
    const license = await this.reads.licenseByKey(source.id, input.key, (error) => (failure ??= error));
    if (!license) {
      if (failure) throw failure;
      throw new GatewayError("NOT_FOUND", `no license with key ${input.key} at ${source.id}`, {
        field: ["input", "key"],
        source: source.id,
      });
    }
    const customerId = await this.customerOf(license);
    return this.commitReporting("claimLicense", input, async (tx) => {
      const claim = await tx.claims.record({
        source: source.id,
        licenseExternalId: license.externalId,
        licenseKey: license.key,
        nodeId: input.nodeId,
        licenseAccount: license.account?.externalId ?? null,
      });
      // The license as read: its links are the gateway's claims, this one included, read again by asLaterRead.
      return {
        result: { license, datalink: { ...claimToDatalink(claim), license }, errors: [] },
        events: [mutationEvent("CLAIMED", license, customerId, { nodeId: input.nodeId })],
      };
    });
  }

  releaseLicense(input: ClaimLicenseInput): Promise<ReleaseResult> {
    return this.writer.withPayload<ReleaseResult, LicenseSource>(
      "releaseLicense",
      input,
      { license: null },
      () => this.mayClaimOrRelease(input, false),
      async (source) => {
        if (source.release && source.id !== LOCAL_SOURCE_ID) {
          const license = await source.release({ key: input.key, nodeId: input.nodeId });
          const customerId = await this.customerOf(license);
          return this.commitReporting("releaseLicense", input, async (tx) => {
            await this.removeClaim(tx, source.id, input, false);
            return {
              result: { license, errors: [] },
              events: [license && mutationEvent("RELEASED", license, customerId, { nodeId: input.nodeId })],
            };
          });
        }
        if (source.id !== LOCAL_SOURCE_ID && !source.claimsKeptByGateway) {
          throw new GatewayError(
            "UNSUPPORTED_BY_SOURCE",
            `${source.id} (${source.kind}) has no way to release a claim: the link stays at the vendor, so the gateway keeps it too`,
            { source: source.id, field: ["input", "source"] },
          );
        }
        return this.commitReporting("releaseLicense", input, async (tx) => {
          const removed = await this.removeClaim(tx, source.id, input, true);
          const license =
            source.id === LOCAL_SOURCE_ID ? await this.local(tx).findLicense({ externalId: removed!.licenseExternalId }) : null;
          // A claim the gateway keeps for a vendor without controllers (Customerarea): the license itself is not read
          // again here, so the sync reports its release (it sees the link gone from the gateway's claims).
          const event = license && mutationEvent("RELEASED", license, license.customerId, { nodeId: input.nodeId });
          return { result: { license, errors: [] }, events: [event] };
        });
      },
    );
  }

  /** Removes the gateway's record of the claim; when the gateway is the authority, a missing one is an error. */
  private async removeClaim(tx: Store, sourceId: string, input: ClaimLicenseInput, required: boolean) {
    const claim = (await tx.claims.ofNodes([input.nodeId])).find((c) => c.source === sourceId && c.licenseKey === input.key);
    const removed = claim ? await tx.claims.remove(sourceId, claim.licenseExternalId, input.nodeId) : null;
    if (!removed && required) {
      throw new GatewayError("LICENSE_NOT_CLAIMED", `license ${input.key} is not claimed for controller ${input.nodeId}`, {
        source: sourceId,
        field: ["input"],
      });
    }
    return removed;
  }

  issueLicense(input: IssueLicenseInput): Promise<License> {
    return this.writer.failuresAudited(
      "issueLicense",
      input,
      () => {
        this.access.requireAdmin("issue licenses");
        if (input.key !== undefined && input.key !== null) checkKey(input.key);
        if (input.customerId !== undefined && input.customerId !== null) checkCustomerId(input.customerId, ["input", "customerId"]);
        if (input.type) checkText(input.type, ["input", "type"], "a license type", 50);
        for (const field of ["gridKw", "solarKw", "batteryKw", "evKw"] as const)
          checkOptionalInt(input[field], ["input", field], 0, 1_000_000);
        checkOptionalInt(input.durationMonths, ["input", "durationMonths"], 1, 1200);
      },
      () => {
        return this.commitReporting("issueLicense", input, async (tx) => {
          const row = await tx.licenses.issue(withoutNulls(input));
          const license = await this.local(tx).findLicense({ externalId: row.id });
          if (!license) throw new Error("issued license vanished inside its own transaction");
          // The local source is not synced: its licenses' events are the mutations' own.
          return { result: license, events: [mutationEvent("APPEARED", license, license.customerId)] };
        });
      },
    );
  }

  /** What activating checks before any vendor call, and again before a repeat gets a stored result. */
  private async mayActivate(input: ActivateLicenseInput): Promise<Activation> {
    const source = this.sources.require(input.source, ["input", "source"]);
    checkKey(input.key);
    if (!source.activate) throw unsupported(source, "activating licenses");
    await this.requireVisibleLicense(source.id, input.key);
    return { sourceId: source.id, activate: source.activate.bind(source) };
  }

  /**
   * What a claim or a release checks before any vendor call, and again before a repeat gets a stored result. A
   * claim needs a controller the principal sees too; releasing needs the license only: its owner may take it off
   * a controller it does not see.
   */
  private async mayClaimOrRelease(input: ClaimLicenseInput, claiming: boolean): Promise<LicenseSource> {
    const source = this.sources.require(input.source, ["input", "source"]);
    checkKey(input.key);
    checkNodeId(input.nodeId);
    await this.requireVisibleLicense(source.id, input.key);
    if (claiming) {
      await this.access.requireVisible(
        async () => (await this.reads.controller(input.nodeId, () => {})) !== null,
        () => noController(source.id, input.nodeId),
      );
    }
    return source;
  }

  /**
   * Refuses a license the principal may not see, before any vendor call, exactly as a missing one: the lookup
   * finds only visible licenses, and both cases get this one error. A failed lookup is that failure instead.
   */
  private async requireVisibleLicense(sourceId: string, key: string): Promise<void> {
    await this.access.requireVisible(
      async () => {
        let failure: Error | undefined;
        const license = await this.reads.licenseByKey(sourceId, key, (error) => (failure ??= error));
        if (!license && failure) throw failure;
        return license !== null;
      },
      () => new GatewayError("NOT_FOUND", `no license with key ${key} at ${sourceId}`, { source: sourceId, field: ["input", "key"] }),
    );
  }

  /**
   * The accounts at `sourceId` that may list the license: the one the gateway read it under (the request's loaders
   * still hold that read, so this asks no vendor), then those of the customer the controller is registered to.
   * Without them a vendor that does not say the new link's id cannot learn it, and the payload's link would have
   * another id than later reads give it.
   */
  private async ownerAccounts(sourceId: string, input: ClaimLicenseInput): Promise<string[]> {
    const store = this.writer.store;
    const listedUnder = (await this.reads.licenseByKey(sourceId, input.key, () => {}).catch(() => null))?.account?.externalId;
    const [controller] = await store.controllers.getMany([input.nodeId]);
    const owners = controller?.customerId ? await store.customers.accountsOf([controller.customerId]) : [];
    const accounts = [...(listedUnder ? [listedUnder] : []), ...owners.filter((a) => a.source === sourceId).map((a) => a.externalId)];
    return [...new Set(accounts)];
  }

  /** Remembers which controller a vendor claim was for, since the vendor's own link list may not say. */
  private async recordVendorClaim(tx: Store, source: LicenseSource, outcome: ClaimOutcome): Promise<ClaimResult> {
    const claim = await tx.claims.recordAccepted({
      source: source.id,
      licenseExternalId: outcome.licenseExternalId,
      licenseKey: outcome.key,
      nodeId: outcome.nodeId,
      vendorDatalinkId: outcome.vendorDatalinkId,
      // A license that runs on one controller moves with its claim; one for several gains a claim per controller.
      exclusive: (outcome.license?.maxControllers ?? 1) === 1,
    });
    const link: Datalink = {
      id: datalinkId(source.id, outcome.vendorDatalinkId, outcome.licenseExternalId, outcome.nodeId),
      source: source.id,
      licenseExternalId: outcome.licenseExternalId,
      vendorId: outcome.vendorDatalinkId,
      nodeId: outcome.nodeId,
      createdAt: claim.createdAt,
    };
    return { license: outcome.license, datalink: { ...link, license: outcome.license }, errors: [] };
  }

  /** A committed claim's payload, its link as `license.datalinks` and later reads show it (see claim-payload.ts). */
  private async asLaterRead(committed: ClaimResult): Promise<ClaimResult> {
    return committed.datalink === null ? committed : claimPayload(this.reads, committed.license, committed.datalink);
  }

  private local(tx: Store): LocalSource {
    const local = this.sources.find(LOCAL_SOURCE_ID);
    if (!(local instanceof LocalSource)) throw new Error("the local source is not configured");
    return local.within(tx);
  }
}

function noController(sourceId: string, nodeId: string): GatewayError {
  return new GatewayError("NOT_FOUND", `no controller with nodeId ${nodeId}`, { field: ["input", "nodeId"], source: sourceId });
}
