import { randomInt, randomUUID } from "node:crypto";
import { GatewayError, badInput } from "../errors/gateway-error.js";
import { licenseTags, tag } from "../cache/tags.js";
import { LOCAL_SOURCE_ID } from "../sources/local/mapper.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import { sqlState, type Db } from "./db.js";

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

/** Every field is optional; absent ones are stored as null (the key is generated). */
export interface IssueLicenseInput {
  /** Default (absent or null): a generated `LOC-XXXX-XXXX-XXXX` (uppercase letters and digits). */
  key?: string | null;
  type?: string | null;
  gridKw?: number | null;
  solarKw?: number | null;
  batteryKw?: number | null;
  evKw?: number | null;
  durationMonths?: number | null;
  customerId?: string | null;
  /** Default: null, i.e. issued but not yet activated. */
  activatedAt?: Date | null;
}

export interface ActivateResult {
  row: LicenseRow;
  /** True when the license had been activated before; `row` then shows the original activation. */
  alreadyActivated: boolean;
}

const LICENSE = `id, key, type, grid_kw as "gridKw", solar_kw as "solarKw", battery_kw as "batteryKw", ev_kw as "evKw",
  duration_months as "durationMonths", customer_id as "customerId", created_at as "createdAt",
  activated_at as "activatedAt", deactivated_at as "deactivatedAt", blocked`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT_FIELDS = ["gridKw", "solarKw", "batteryKw", "evKw", "durationMonths"] as const;
const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export type LicenseQueries = ReturnType<typeof licenseQueries>;

export function licenseQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  return {
    /** Ids that are not uuids cannot exist; they are dropped rather than sent, where the uuid cast would fail. */
    getMany: (ids: string[]) =>
      db.query<LicenseRow>(`select ${LICENSE} from licenses where id = any($1::uuid[])`, [ids.filter((id) => UUID.test(id))]),

    byKeys: (keys: string[]) => db.query<LicenseRow>(`select ${LICENSE} from licenses where key = any($1::text[])`, [keys]),

    ofCustomers: (customerIds: string[]) =>
      db.query<LicenseRow>(`select ${LICENSE} from licenses where customer_id = any($1::text[]) order by created_at, id`, [customerIds]),

    all: () => db.query<LicenseRow>(`select ${LICENSE} from licenses order by created_at, id`),

    async issue(input: IssueLicenseInput = {}): Promise<LicenseRow> {
      for (const field of INT_FIELDS) {
        const value = input[field];
        if (value != null && !(Number.isInteger(value) && value >= 0 && value <= 2_147_483_647)) {
          throw badInput(["input", field], `${field} must be a non-negative integer, got ${value}`);
        }
      }
      const key = input.key ?? generateKey();
      if (key.trim() === "") throw badInput(["input", "key"], "a license key must not be empty");
      try {
        const [row] = await db.query<LicenseRow>(
          `insert into licenses (id, key, type, grid_kw, solar_kw, battery_kw, ev_kw, duration_months, customer_id, activated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           returning ${LICENSE}`,
          [randomUUID(), key, input.type ?? null, input.gridKw ?? null, input.solarKw ?? null, input.batteryKw ?? null,
            input.evKw ?? null, input.durationMonths ?? null, input.customerId ?? null, input.activatedAt ?? null],
        );
        changed([...localLicenseTags(row!), ...(row!.customerId ? [tag.account(LOCAL_SOURCE_ID, row!.customerId)] : [])]);
        return row!;
      } catch (error) {
        if (sqlState(error) === "23505") throw new GatewayError("CONFLICT", `license key ${key} already exists`, { field: ["input", "key"], cause: error });
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
      const [row] = await db.query<LicenseRow>(
        `update licenses set activated_at = $2 where key = $1 and activated_at is null returning ${LICENSE}`,
        [key, at],
      );
      if (row) {
        changed(localLicenseTags(row));
        return { row, alreadyActivated: false };
      }
      const [existing] = await db.query<LicenseRow>(`select ${LICENSE} from licenses where key = $1`, [key]);
      return existing ? { row: existing, alreadyActivated: true } : null;
    },
  };
}

function localLicenseTags(row: LicenseRow): string[] {
  return licenseTags({ source: LOCAL_SOURCE_ID, externalId: row.id, key: row.key });
}

/** 36^12 possible keys: a collision is astronomically unlikely, and would surface as CONFLICT, not a bad row. */
function generateKey(): string {
  const group = () => Array.from({ length: 4 }, () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]).join("");
  return `LOC-${group()}-${group()}-${group()}`;
}
