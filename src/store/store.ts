import { idempotencyQueries, type IdempotencyQueries } from "./idempotency.js";
import { apiKeyQueries, type ApiKeyQueries } from "./api-keys.js";
import { auditQueries, type AuditQueries } from "./audit.js";
import { claimQueries, type ClaimQueries } from "./claims.js";
import { controllerQueries, type ControllerQueries } from "./controllers.js";
import { customerQueries, type CustomerQueries } from "./customers.js";
import { openDb, type Db, type OpenDbOptions } from "./db.js";
import { licenseQueries, type LicenseQueries } from "./licenses.js";
import { migrate } from "./migrate.js";

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
export function bindStore(db: Db): Store {
  return {
    db,
    customers: customerQueries(db),
    controllers: controllerQueries(db),
    licenses: licenseQueries(db),
    claims: claimQueries(db),
    audit: auditQueries(db),
    apiKeys: apiKeyQueries(db),
    idempotency: idempotencyQueries(db),
    transaction: (fn) => db.transaction((tx) => fn(bindStore(tx))),
    close: () => db.close(),
  };
}
