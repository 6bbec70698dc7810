import { licenseTags, tag } from "../domain/data-tags.js";
import type { IndexedLicense, LicenseEvent, NewLicenseEvent } from "../domain/license-events.js";
import type { License } from "../domain/model.js";
import { operationScope, runInOperation } from "../domain/operation-context.js";
import { isGatewayError } from "../errors/gateway-error.js";
import type { Logger } from "../logger.js";
import type { BatchResult, LicenseSource } from "../sources/source.js";
import type { AccountRow } from "../store/customers.js";
import type { Store } from "../store/store.js";
import { detectChanges, type PreviousLicense } from "./change-detection.js";
import { LinkNodes, resolveLinkNodes } from "./link-nodes.js";
import { toIndexed } from "./to-indexed.js";

export interface SyncJobOptions {
  store: Store;
  /** The source as the gateway's registry holds it: possibly wrapped in the cache (read around it: see readFresh). */
  source: LicenseSource;
  /** EXPIRING thresholds, in days (e.g. [30, 7]). */
  thresholdsDays: readonly number[];
  /** Accounts read per licensesOfAccounts call: what the sync holds in memory at once, whatever the number of customers. */
  accountsPerBatch: number;
  /** The longest (ms) one batch's read may take, its retries included (the deadline its vendor calls run under). */
  batchDeadlineMs?: number;
  /** Called with each account's events once their index write committed (the event bus). */
  onEvents?: (events: LicenseEvent[]) => void;
  /** Drops cached answers about what changed, so a client told of a change by an event does not read the old state. */
  invalidate?: (tags: string[]) => void;
  /**
   * Called before each batch: false stops the run there (the scheduler renews its lease here, and stops a run that
   * lost it, or that is being closed).
   */
  beforeBatch?: () => Promise<boolean>;
  /**
   * The event log's cursor when the previous successful run started: the MUTATION events after it (the gateway's own
   * activations, claims and releases, reported at once) are not reported again when this run sees their effect at
   * the vendor. Undefined: nothing to leave out (the first run of a process).
   */
  mutationsAfter?: number;
  /** What the sync learnt of vendor links' controllers (link-nodes.ts), kept across runs; default a new one per run. */
  linkNodes?: LinkNodes;
  /** Aborts the vendor call in flight (the gateway closing); the run stops without writing what it did not finish. */
  signal?: AbortSignal;
  logger?: Logger;
  now?: () => Date;
}

export interface SyncFailure {
  account: string;
  /** The error's stable code (UPSTREAM_TIMEOUT, ...); never the vendor's text. */
  code: string;
}

export interface SyncSummary {
  source: string;
  /** Every mapped account was read and written: what recordSuccess says. */
  ok: boolean;
  /** The run stopped before its end (lease lost, gateway closing): nothing recorded as success or failure. */
  stopped: boolean;
  /** Mapped accounts read successfully and indexed. */
  accounts: number;
  /** Licenses those accounts hold now. */
  licenses: number;
  /** Events committed (appeared, removed, status, links, expiring), unmapped accounts' REMOVED included. */
  events: number;
  /** licensesOfAccounts calls made (one per batch; the vendor calls under each depend on the vendor). */
  reads: number;
  /** Accounts the index held that no customer maps any more, whose licenses were REMOVED. */
  unmappedAccounts: number;
  durationMs: number;
  failures: SyncFailure[];
}

const DEFAULT_BATCH_DEADLINE_MS = 120_000;

/**
 * One sync of one source: reads every mapped account's licenses from the vendor, `accountsPerBatch` at a time,
 * diffs each against the index (change detection) and writes the account's new snapshot and its events in one
 * transaction (licenseIndex.replaceAccount), account by account, so events are never lost or repeated whatever
 * happens between two accounts.
 *
 * A failed read is never taken for an empty list: an account whose read failed (an Error in its place) keeps its
 * last good snapshot, produces no event, and makes the whole run a failure (recordFailure with the first failed
 * account's code). Accounts read fine in the same run are still written: their answers are good. Accounts the index
 * holds that no customer maps any more have their licenses REMOVED, decided from the mapping alone (a local query),
 * whatever the vendor said.
 *
 * Never throws: an unexpected error (the store failing) is logged, recorded as INTERNAL_SERVER_ERROR and returned
 * as a failed run.
 */
export async function syncSource(options: SyncJobOptions): Promise<SyncSummary> {
  const { store, source } = options;
  const now = options.now ?? (() => new Date());
  const started = now();
  const clock = performance.now();
  const summary: SyncSummary = {
    source: source.id,
    ok: false,
    stopped: false,
    accounts: 0,
    licenses: 0,
    events: 0,
    reads: 0,
    unmappedAccounts: 0,
    durationMs: 0,
    failures: [],
  };
  let unexpected: unknown;
  try {
    const previous = await store.syncState.get(source.id);
    await store.syncState.recordStart(source.id, started);
    if (!source.licensesOfAccounts) throw new Error(`source ${source.id} cannot list licenses by account`);
    const mapped = await store.customers.accountsAtSource(source.id);
    // When the index's rows do not carry their own time (licenseIndex.ofAccount returns none today): the previous
    // run's start, which comes before every snapshot it wrote. Too early rather than too late: a crossing between that
    // start and the account's own read may be reported twice (receivers can tell a repeat: same license, threshold and
    // expiry), while a later time would hide crossings for good. Only an account whose read failed in the previous run
    // has an older snapshot, and may miss a crossing then.
    const previousAt = previous?.lastStartedAt ?? undefined;
    const reported =
      options.mutationsAfter === undefined ? new Set<string>() : await mutationsSince(store, source.id, options.mutationsAfter);
    for (let at = 0; at < mapped.length && !summary.stopped; at += options.accountsPerBatch) {
      if (options.signal?.aborted || (options.beforeBatch && !(await options.beforeBatch()))) {
        summary.stopped = true;
        break;
      }
      const batch = mapped.slice(at, at + options.accountsPerBatch);
      const results = await readFresh(source, batch, options);
      summary.reads++;
      if (options.signal?.aborted) {
        summary.stopped = true;
        break;
      }
      await indexBatch(options, batch, results, now(), previousAt, reported, summary);
    }
    if (!summary.stopped) {
      const still = new Set(mapped.map((a) => a.externalId));
      const gone = (await store.licenseIndex.accounts(source.id)).filter((account) => !still.has(account));
      for (const account of gone) {
        const events = detectChanges(await store.licenseIndex.ofAccount(source.id, account), [], now(), options.thresholdsDays);
        await commit(options, account, [], events, now(), []);
        summary.events += events.length;
        summary.unmappedAccounts++;
      }
    }
  } catch (error) {
    unexpected = error;
    options.logger?.error({ err: error, source: source.id }, "the sync of a source failed");
  }
  summary.durationMs = Math.round(performance.now() - clock);
  const failure = unexpected !== undefined ? "INTERNAL_SERVER_ERROR" : summary.failures[0]?.code;
  summary.ok = failure === undefined && !summary.stopped;
  await record(options, summary, failure, now()).catch((error: unknown) =>
    options.logger?.error({ err: error, source: source.id }, "could not record a sync's outcome"),
  );
  return summary;
}

/**
 * The accounts' licenses as the vendor says them now, through the source's guard (its concurrency, retries and
 * circuit breaker, which sit under the cache wrapper, in the vendor adapter), but never from the cache: the read
 * runs in an operation scope marked `cacheBypass`, which the source cache honours by calling the vendor for every
 * key, without reading or filling its entries (src/cache/source-cache.ts). That scope also gives the batch a
 * deadline the guard's retries respect, and aborts its calls with `signal`. The unwrapped adapter is not kept
 * apart for the sync on purpose: it would need a second adapter, with its own guard and limits, beside the one
 * requests use, and the vendor would see twice the concurrency it was configured for.
 */
async function readFresh(source: LicenseSource, batch: readonly AccountRow[], options: SyncJobOptions): Promise<BatchResult<License[]>> {
  return fresh(options, () => source.licensesOfAccounts!(batch.map((a) => a.externalId)));
}

/** Runs a read of the source in the sync's operation scope: around the cache, with the batch's deadline (see readFresh). */
async function fresh<T>(options: SyncJobOptions, read: () => Promise<T>): Promise<T> {
  const scope = operationScope(options.batchDeadlineMs ?? DEFAULT_BATCH_DEADLINE_MS, options.signal);
  scope.cacheBypass = true;
  try {
    return await runInOperation(scope, read);
  } finally {
    scope.end();
  }
}

async function indexBatch(
  options: SyncJobOptions,
  batch: readonly AccountRow[],
  results: BatchResult<License[]>,
  at: Date,
  previousAt: Date | undefined,
  reported: ReadonlySet<string>,
  summary: SyncSummary,
): Promise<void> {
  const { store, source } = options;
  const listed = batch.flatMap((account, i) => {
    const result = results[i];
    if (result instanceof Error || result === undefined) {
      summary.failures.push({ account: account.externalId, code: codeOf(result) });
      return [];
    }
    return [{ account, licenses: result }];
  });
  // One query for the claims of every license of the batch: what resolves the vendors' links to controllers.
  const claims = await store.claims.ofLicenses(
    source.id,
    listed.flatMap((r) => r.licenses.map((l) => l.externalId)),
  );
  const controllerLists = source.licensesOfControllers?.bind(source);
  const { read, failed } = await resolveLinkNodes(
    store,
    source.id,
    listed,
    claims,
    options.linkNodes ?? new LinkNodes(),
    controllerLists && ((nodeIds) => fresh(options, () => controllerLists(nodeIds))),
  );
  for (const [account, error] of failed) summary.failures.push({ account, code: codeOf(error) });
  for (const { account, licenses } of read.filter((r) => !failed.has(r.account.externalId))) {
    const after = licenses.map((l) => toIndexed(l, account.externalId, account.customerId, claims));
    const before: PreviousLicense[] = await store.licenseIndex.snapshotOf(source.id, account.externalId);
    const events = detectChanges(before, after, at, options.thresholdsDays, previousAtOf(before) ?? previousAt).filter(
      (e) => !reported.has(eventKey(e)),
    );
    if (before.length > 0 || after.length > 0) await commit(options, account.externalId, after, events, at, licenses);
    summary.accounts++;
    summary.licenses += after.length;
    summary.events += events.length;
  }
}

/** Events read per query when collecting the mutations' events. */
const MUTATIONS_PAGE = 500;

/** What the gateway's own mutations already reported at `source` since `cursor`, as eventKey()s. */
async function mutationsSince(store: Store, source: string, cursor: number): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let from = cursor; ;) {
    const page = await store.licenseEvents.after(from, { sources: [source] }, MUTATIONS_PAGE);
    for (const e of page) if (e.origin === "MUTATION") keys.add(eventKey(e));
    if (page.length < MUTATIONS_PAGE) return keys;
    from = page[page.length - 1]!.cursor;
  }
}

/** One change to one license, whoever noticed it: a mutation's ACTIVATED and the sync's for the same license are one. */
function eventKey(e: NewLicenseEvent): string {
  return [e.type, e.externalId, e.nodeId ?? "", e.status].join("\u0000");
}

/** The snapshot's own time, when the store returns its rows with it (all rows of one account share it). */
function previousAtOf(before: readonly PreviousLicense[]): Date | undefined {
  return before[0]?.indexedAt;
}

/** Writes one account's snapshot and events together, then tells the caches and the bus, in that order. */
async function commit(
  options: SyncJobOptions,
  account: string,
  after: IndexedLicense[],
  events: NewLicenseEvent[],
  at: Date,
  read: readonly License[],
): Promise<void> {
  const { store, source } = options;
  const committed = await store.licenseIndex.replaceAccount(source.id, account, after, events, at);
  if (committed.length === 0) return;
  options.invalidate?.(changedTags(source.id, account, committed, read));
  options.onEvents?.(committed);
}

/** What a cached answer about the changed licenses depends on: the account's list, each license, each node touched. */
function changedTags(source: string, account: string, events: readonly LicenseEvent[], read: readonly License[]): string[] {
  const changed = new Set(events.map((e) => e.externalId));
  return [
    tag.account(source, account),
    ...events.map((e) => tag.license(source, e.externalId)),
    ...events.flatMap((e) => (e.nodeId === null ? [] : [tag.node(source, e.nodeId)])),
    // By key too (the index never holds keys; the answer just read does).
    ...read.filter((l) => changed.has(l.externalId)).flatMap(licenseTags),
  ];
}

async function record(options: SyncJobOptions, summary: SyncSummary, failure: string | undefined, at: Date): Promise<void> {
  if (summary.stopped) return;
  if (failure !== undefined) await options.store.syncState.recordFailure(summary.source, { at, code: failure });
  else
    await options.store.syncState.recordSuccess(summary.source, {
      at,
      durationMs: summary.durationMs,
      accounts: summary.accounts,
      licenses: summary.licenses,
    });
}

/** A failed account's stable code: a GatewayError's own; anything else (a bug, a missing answer) is internal. */
function codeOf(error: Error | undefined): string {
  return isGatewayError(error) ? error.code : "INTERNAL_SERVER_ERROR";
}
