import { idempotencyQueries, type IdempotencyQueries } from "./idempotency.js";
import { apiKeyQueries, type ApiKeyQueries } from "./api-keys.js";
import { auditQueries, type AuditQueries } from "./audit.js";
import { claimQueries, type ClaimQueries } from "./claims.js";
import { controllerQueries, type ControllerQueries } from "./controllers.js";
import { customerQueries, type CustomerQueries } from "./customers.js";
import { openDb, type Db, type OpenDbOptions } from "./db.js";
import { licenseQueries, type LicenseQueries } from "./licenses.js";
import { migrate } from "./migrate.js";
import { trustedDocumentQueries, type TrustedDocumentQueries } from "./trusted-documents.js";
import { StoreChanges, type ChangeSink } from "./changes.js";
import { leaseQueries, type LeaseQueries } from "./leases.js";
import { licenseEventQueries, type LicenseEventQueries } from "./license-events.js";
import { licenseIndexQueries, type LicenseIndexQueries } from "./license-index.js";
import { syncStateQueries, type SyncStateQueries } from "./sync-state.js";
import { webhookQueries, type WebhookQueries } from "./webhooks.js";

/** The gateway's own data, one query group per table, all bound to the same `Db` (or transaction). */
export interface Store {
  db: Db;
  customers: CustomerQueries;
  controllers: ControllerQueries;
  licenses: LicenseQueries;
  claims: ClaimQueries;
  audit: AuditQueries;
  apiKeys: ApiKeyQueries;
  idempotency: IdempotencyQueries;
  trustedDocuments: TrustedDocumentQueries;
  // Issue 16 (docs/design/license-events.md). No cached read comes from these tables, so their writes emit no change.
  licenseIndex: LicenseIndexQueries;
  licenseEvents: LicenseEventQueries;
  syncState: SyncStateQueries;
  leases: LeaseQueries;
  webhooks: WebhookQueries;
  /** Calls `listener` with the cache tags of what each committed write changed (see changes.ts). */
  onChange(listener: ChangeSink): void;
  /** Runs `fn` with a Store bound to one transaction; inside, use only `tx` (see `Db.transaction`). */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens the database at `url` (see `openDb`) and brings its schema up to date. */
export async function openStore(url: string, options: OpenDbOptions = {}): Promise<Store> {
  const db = await openDb(url, options);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return bindStore(db);
}

/** A Store over an already open `Db`: how a transaction's Store is made, and useful in tests. */
export function bindStore(db: Db, changes = new StoreChanges()): Store {
  return queriesOn(db, changes.emit, {
    onChange: (listener) => changes.listen(listener),
    close: () => db.close(),
    transaction: (fn) => transaction(db, changes.emit, fn),
  });
}

/** Changes made inside a transaction are held back and reported once it commits. */
async function transaction<T>(db: Db, emit: ChangeSink, fn: (tx: Store) => Promise<T>): Promise<T> {
  const held: string[] = [];
  const result = await db.transaction((tx) => {
    const hold: ChangeSink = (tags) => void held.push(...tags);
    return fn(
      queriesOn(tx, hold, {
        onChange: () => {
          throw new Error("listen for changes on the store, not on a transaction");
        },
        close: () => Promise.reject(new Error("a transaction's store cannot be closed")),
        transaction: (inner) => transaction(tx, hold, inner),
      }),
    );
  });
  emit(held);
  return result;
}

function queriesOn(db: Db, changed: ChangeSink, rest: Pick<Store, "onChange" | "close" | "transaction">): Store {
  return {
    db,
    customers: customerQueries(db, changed),
    controllers: controllerQueries(db, changed),
    licenses: licenseQueries(db, changed),
    claims: claimQueries(db, changed),
    audit: auditQueries(db),
    apiKeys: apiKeyQueries(db),
    idempotency: idempotencyQueries(db),
    trustedDocuments: trustedDocumentQueries(db),
    licenseIndex: licenseIndexQueries(db),
    licenseEvents: licenseEventQueries(db),
    syncState: syncStateQueries(db),
    leases: leaseQueries(db),
    webhooks: webhookQueries(db),
    ...rest,
  };
}
