import { randomInt, randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { GatewayError, badInput } from "../errors/gateway-error.js";
import { licenseTags, tag } from "../domain/data-tags.js";
import type { IssueLicenseInput } from "../domain/issue-license.js";
import { LOCAL_SOURCE_ID } from "../domain/model.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import type { LicensesTable } from "./database.js";
import { sqlState, type Db } from "./db.js";
import { isStorableTime, toDate, toDateOrNull } from "./dialect.js";
import { prepared } from "./prepared.js";

export interface LicenseRow {
  id: string;
  key: string;
  type: string | null;
  gridKw: number | null;
  solarKw: number | null;
  batteryKw: number | null;
  evKw: number | null;
  durationMonths: number | null;
  customerId: string | null;
  createdAt: Date;
  activatedAt: Date | null;
  deactivatedAt: Date | null;
  blocked: boolean;
}

/**
 * A license to issue, and when it was activated: the API issues licenses unactivated (the default, null), the
 * demo's seed issues some already active.
 */
export interface StoredLicenseInput extends IssueLicenseInput {
  activatedAt?: Date | null;
}

export interface ActivateResult {
  row: LicenseRow;
  /** True when the license had been activated before; `row` then shows the original activation. */
  alreadyActivated: boolean;
}

const LICENSE = [
  "id",
  "key",
  "type",
  "grid_kw",
  "solar_kw",
  "battery_kw",
  "ev_kw",
  "duration_months",
  "customer_id",
  "created_at",
  "activated_at",
  "deactivated_at",
  "blocked",
] as const;

const toLicense = (r: Selectable<LicensesTable>): LicenseRow => ({
  id: r.id,
  key: r.key,
  type: r.type,
  gridKw: r.grid_kw,
  solarKw: r.solar_kw,
  batteryKw: r.battery_kw,
  evKw: r.ev_kw,
  durationMonths: r.duration_months,
  customerId: r.customer_id,
  createdAt: toDate(r.created_at),
  activatedAt: toDateOrNull(r.activated_at),
  deactivatedAt: toDateOrNull(r.deactivated_at),
  blocked: Boolean(r.blocked),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT_FIELDS = ["gridKw", "solarKw", "batteryKw", "evKw", "durationMonths"] as const;
const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// The local source's reads, one or more per operation that shows local licenses: compiled once (prepared.ts).
const licensesOn = (db: Db) => db.kysely.selectFrom("licenses").select(LICENSE);
const licensesById = prepared((db: Db, ids: string[]) => licensesOn(db).where(db.dialect.anyOf("id", ids, "uuid")));
const licensesByKey = prepared((db: Db, keys: string[]) => licensesOn(db).where(db.dialect.anyOf("key", keys)));
const licensesOfCustomers = prepared((db: Db, customerIds: string[]) =>
  licensesOn(db).where(db.dialect.anyOf("customer_id", customerIds)).orderBy("created_at").orderBy("id"),
);

export type LicenseQueries = ReturnType<typeof licenseQueries>;

export function licenseQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  const { kysely, dialect } = db;
  return {
    /**
     * Ids that are not uuids cannot exist; they are dropped rather than sent, where PostgreSQL's uuid cast would
     * fail. A uuid matches in any case, as PostgreSQL compares uuids: SQLite keeps the lowercase text.
     */
    getMany: async (ids: string[]) =>
      (
        await licensesById(
          db,
          ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()),
        )
      ).map(toLicense),

    byKeys: async (keys: string[]) => (await licensesByKey(db, keys)).map(toLicense),

    ofCustomers: async (customerIds: string[]) => (await licensesOfCustomers(db, customerIds)).map(toLicense),

    all: async () => (await licensesOn(db).orderBy("created_at").orderBy("id").execute()).map(toLicense),

    async issue(input: StoredLicenseInput = {}): Promise<LicenseRow> {
      for (const field of INT_FIELDS) {
        const value = input[field];
        if (value != null && !(Number.isInteger(value) && value >= 0 && value <= 2_147_483_647)) {
          throw badInput(["input", field], `${field} must be a non-negative integer, got ${value}`);
        }
      }
      const key = input.key ?? generateKey();
      if (key.trim() === "") throw badInput(["input", "key"], "a license key must not be empty");
      if (input.activatedAt) checkTime(input.activatedAt, ["input", "activatedAt"]);
      try {
        const row = toLicense(
          await kysely
            .insertInto("licenses")
            .values({
              id: randomUUID(),
              key,
              type: input.type ?? null,
              grid_kw: input.gridKw ?? null,
              solar_kw: input.solarKw ?? null,
              battery_kw: input.batteryKw ?? null,
              ev_kw: input.evKw ?? null,
              duration_months: input.durationMonths ?? null,
              customer_id: input.customerId ?? null,
              created_at: dialect.now(),
              activated_at: input.activatedAt ?? null,
            })
            .returning(LICENSE)
            .executeTakeFirstOrThrow(),
        );
        changed([...localLicenseTags(row), ...(row.customerId ? [tag.account(LOCAL_SOURCE_ID, row.customerId)] : [])]);
        return row;
      } catch (error) {
        if (sqlState(error) === "23505")
          throw new GatewayError("CONFLICT", `license key ${key} already exists`, { field: ["input", "key"], cause: error });
        if (sqlState(error) === "23503") {
          throw new GatewayError("NOT_FOUND", `no customer with id ${input.customerId}`, { field: ["input", "customerId"], cause: error });
        }
        throw error;
      }
    },

    /**
     * Activation is one-way and decided by the conditional update alone, so two concurrent activations cannot
     * both succeed. Returns null when no license has this key.
     */
    async activate(key: string, at: Date): Promise<ActivateResult | null> {
      checkTime(at, ["input", "activationIso"]);
      const activated = await kysely
        .updateTable("licenses")
        .set({ activated_at: at })
        .where("key", "=", key)
        .where("activated_at", "is", null)
        .returning(LICENSE)
        .executeTakeFirst();
      if (activated) {
        const row = toLicense(activated);
        changed(localLicenseTags(row));
        return { row, alreadyActivated: false };
      }
      const existing = await licensesOn(db).where("key", "=", key).executeTakeFirst();
      return existing ? { row: toLicense(existing), alreadyActivated: true } : null;
    },
  };
}

/** Refuses a time the store cannot keep alike on both engines, naming the field it came from. */
function checkTime(date: Date, field: string[]): void {
  if (!isStorableTime(date))
    throw badInput(
      field,
      `${field.at(-1)} must be between years 0 and 9999 in UTC, got ${Number.isNaN(date.getTime()) ? "an invalid date" : date.toISOString()}`,
    );
}

function localLicenseTags(row: LicenseRow): string[] {
  return licenseTags({ source: LOCAL_SOURCE_ID, externalId: row.id, key: row.key });
}

/** 36^12 possible keys: a collision is astronomically unlikely, and would surface as CONFLICT, not a bad row. */
function generateKey(): string {
  const group = () => Array.from({ length: 4 }, () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]).join("");
  return `LOC-${group()}-${group()}-${group()}`;
}
