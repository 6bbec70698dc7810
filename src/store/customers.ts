import { randomUUID } from "node:crypto";
import { GatewayError, badInput } from "../errors/gateway-error.js";
import { tag } from "../cache/tags.js";
import { sqlState, type Db } from "./db.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";

export interface CustomerRow {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One entry of the federation map: customer `customerId` is account `externalId` at source `source`. */
export interface AccountRow {
  customerId: string;
  source: string;
  externalId: string;
}

export interface AccountKey {
  source: string;
  externalId: string;
}

export interface CustomerPage {
  rows: CustomerRow[];
  hasNextPage: boolean;
  /** The cursor of the last row, to pass as `after`; null when the page is empty. */
  endCursor: string | null;
}

export interface UpsertCustomerInput {
  /** Default: a new random uuid, so the call creates a customer. */
  id?: string;
  name: string;
  /** The customer's complete set of accounts: any other account it had is removed. */
  accounts: AccountKey[];
}

const CUSTOMER = `id, name, created_at as "createdAt", updated_at as "updatedAt"`;
const ACCOUNT = `customer_id as "customerId", source, external_id as "externalId"`;

export type CustomerQueries = ReturnType<typeof customerQueries>;

export function customerQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  return {
    /** Rows for the ids that exist, in no particular order (DataLoaders regroup by id). */
    getMany: (ids: string[]) => db.query<CustomerRow>(`select ${CUSTOMER} from customers where id = any($1::text[])`, [ids]),

    /**
     * Keyset pagination on (name, id): a cursor stays valid and stable while customers are added or renamed.
     * `only` limits the list to these ids (what a principal may see), filtered here so pages stay full.
     */
    async list({ first, after, only }: { first: number; after?: string; only?: readonly string[] }): Promise<CustomerPage> {
      if (!Number.isInteger(first) || first < 0) throw badInput(["first"], `first must be a non-negative integer, got ${first}`);
      const position = after === undefined ? null : decodeCursor(after);
      const rows = await db.query<CustomerRow>(
        `select ${CUSTOMER} from customers
         where ($1::text is null or (name, id) > ($1::text, $2::text)) and ($4::text[] is null or id = any($4::text[]))
         order by name, id limit $3`,
        [position?.[0] ?? null, position?.[1] ?? null, first + 1, only === undefined ? null : [...only]],
      );
      const page = rows.slice(0, first);
      const last = page.at(-1);
      return { rows: page, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null };
    },

    accountsOf: (customerIds: string[]) =>
      db.query<AccountRow>(`select ${ACCOUNT} from customer_accounts where customer_id = any($1::text[]) order by source, external_id`, [customerIds]),

    /** Which customer owns each of these accounts; accounts nobody owns are simply absent. */
    findByAccounts: (pairs: AccountKey[]) =>
      db.query<AccountRow>(
        `select ${ACCOUNT} from customer_accounts
         where (source, external_id) in (select * from unnest($1::text[], $2::text[]))`,
        [pairs.map((p) => p.source), pairs.map((p) => p.externalId)],
      ),

    accountsAtSource: (source: string) =>
      db.query<AccountRow>(`select ${ACCOUNT} from customer_accounts where source = $1 order by external_id`, [source]),

    /** Creates or renames a customer and replaces its accounts, all or nothing. */
    async upsert(input: UpsertCustomerInput): Promise<CustomerRow> {
      if (input.name.trim() === "") throw badInput(["input", "name"], "a customer needs a non-empty name");
      const id = input.id ?? randomUUID();
      const accounts = dedupe(input.accounts);
      let replaced: AccountRow[] = [];
      const row = await db.transaction(async (tx) => {
        // Checked before any write so the message can name the account; the primary key below still decides
        // a race with a concurrent upsert that claims the same account.
        const taken = (await customerQueries(tx).findByAccounts(accounts)).find((a) => a.customerId !== id);
        if (taken) throw accountConflict(taken);
        const [row] = await tx.query<CustomerRow>(
          `insert into customers (id, name) values ($1, $2)
           on conflict (id) do update set name = excluded.name, updated_at = now()
           returning ${CUSTOMER}`,
          [id, input.name],
        );
        const removed = await tx.query<AccountRow>(`delete from customer_accounts where customer_id = $1 returning ${ACCOUNT}`, [id]);
        replaced = [...removed, ...accounts.map((a) => ({ customerId: id, ...a }))];
        try {
          await tx.query(
            `insert into customer_accounts (customer_id, source, external_id)
             select $1, * from unnest($2::text[], $3::text[])`,
            [id, accounts.map((a) => a.source), accounts.map((a) => a.externalId)],
          );
        } catch (error) {
          if (sqlState(error) === "23505") throw accountConflict(null, error);
          throw error;
        }
        return row!;
      });
      // Who owns which account changed for the accounts removed and the ones added.
      changed([tag.customer(id), tag.customerList, ...replaced.flatMap((a) => [tag.account(a.source, a.externalId), tag.accountsAt(a.source)])]);
      return row;
    },
  };
}

function accountConflict(taken: AccountRow | null, cause?: unknown): GatewayError {
  const what = taken ? `account ${taken.externalId} at source ${taken.source} belongs to customer ${taken.customerId}` : "an account belongs to another customer";
  return new GatewayError("CONFLICT", what, { field: ["input", "accounts"], cause });
}

function dedupe(accounts: AccountKey[]): AccountKey[] {
  const seen = new Map(accounts.map((a) => [JSON.stringify([a.source, a.externalId]), a]));
  return [...seen.values()];
}

/** Opaque to clients, but plain base64url JSON so a cursor can be read when debugging. */
function encodeCursor(row: CustomerRow): string {
  return Buffer.from(JSON.stringify([row.name, row.id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as [string, string];
  } catch {
    // fall through to the error below
  }
  throw badInput(["after"], `invalid cursor ${JSON.stringify(cursor)}`);
}

/** The cursor of one customer row, for connection edges. */
export const customerCursor = (row: CustomerRow): string => encodeCursor(row);
