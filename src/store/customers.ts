import { randomUUID } from "node:crypto";
import { GatewayError, badInput } from "../errors/gateway-error.js";
import { tag } from "../cache/tags.js";
import { sqlState, type Db } from "./db.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import { checkNewCustomerId } from "./customer-id.js";

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

/** Where a customer stands in the list's order, (name, id): what a customers cursor holds. */
export type CustomerPosition = readonly [name: string, id: string];

/** Which page of the customers list to read: `first` rows after `after`, or the `last` rows before `before`. */
export interface CustomerListRequest {
  first?: number;
  last?: number;
  /** Only rows strictly after this position. */
  after?: CustomerPosition | null;
  /** Only rows strictly before this position. */
  before?: CustomerPosition | null;
  /** Only these ids (what a principal may see), filtered in SQL so that pages stay full. */
  only?: readonly string[];
}

export interface CustomerPage {
  /** In list order, whichever end the page was counted from. */
  rows: CustomerRow[];
  /** With `last`: more rows between `after` and this page. With `first`: any row at or before `after`. */
  hasPreviousPage: boolean;
  /** With `first`: more rows between this page and `before`. With `last`: any row at or after `before`. */
  hasNextPage: boolean;
}

export interface UpsertCustomerInput {
  /** Default: a new random uuid, so the call creates a customer. */
  id?: string;
  name: string;
  /** The customer's complete set of accounts: any other account it had is removed. */
  accounts: AccountKey[];
  /** The configured sources' ids, which a new customer id must not take (see customer-id.ts). Default none but "local". */
  sourceIds?: readonly string[];
}

const CUSTOMER = `id, name, created_at as "createdAt", updated_at as "updatedAt"`;
const ACCOUNT = `customer_id as "customerId", source, external_id as "externalId"`;

export type CustomerQueries = ReturnType<typeof customerQueries>;

export function customerQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  return {
    /** Rows for the ids that exist, in no particular order (DataLoaders regroup by id). */
    getMany: (ids: string[]) => db.query<CustomerRow>(`select ${CUSTOMER} from customers where id = any($1::text[])`, [ids]),

    /**
     * Keyset pagination on (name, id): a position stays valid while customers are added, removed or renamed. A
     * backward page (`last`) is read in reverse order and turned round. The flag for the side the client came from
     * (rows at or before `after` when paging forward) costs one `exists` query, and only when that cursor is given.
     */
    async list({ first, last, after = null, before = null, only }: CustomerListRequest): Promise<CustomerPage> {
      const forward = last === undefined;
      const size = forward ? first : last;
      // The GraphQL layer checks its arguments first (connection.ts); these guard other callers.
      if (size === undefined || (first !== undefined && last !== undefined)) throw new Error("customers.list needs exactly one of first and last");
      const name = forward ? "first" : "last";
      if (!Number.isInteger(size) || size < 0) throw badInput([name], `${name} must be a non-negative integer, got ${size}`);
      const scope = only === undefined ? null : [...only];
      const rows = await db.query<CustomerRow>(
        `select ${CUSTOMER} from customers
         where ($1::text is null or (name, id) > ($1::text, $2::text))
           and ($3::text is null or (name, id) < ($3::text, $4::text))
           and ($5::text[] is null or id = any($5::text[]))
         order by ${forward ? "name, id" : "name desc, id desc"} limit $6`,
        [after?.[0] ?? null, after?.[1] ?? null, before?.[0] ?? null, before?.[1] ?? null, scope, size + 1],
      );
      const page = rows.slice(0, size);
      if (!forward) page.reverse();
      const more = rows.length > size;
      const behind = forward ? after : before;
      const beyond = behind !== null && (await anyBeyond(db, behind, forward ? "<=" : ">=", scope));
      return { rows: page, hasPreviousPage: forward ? beyond : more, hasNextPage: forward ? more : beyond };
    },

    /** How many customers there are, of `only` when given. */
    async count(only?: readonly string[]): Promise<number> {
      const [row] = await db.query<{ count: number }>(
        `select count(*)::int as count from customers where ($1::text[] is null or id = any($1::text[]))`,
        [only === undefined ? null : [...only]],
      );
      return row!.count;
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
        // Only a new id must keep to the rule: one stored before it stays usable (customer-id.ts).
        if (input.id !== undefined && (await tx.query(`select 1 from customers where id = $1`, [id])).length === 0) checkNewCustomerId(id, input.sourceIds);
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

/** Whether any customer (of `scope`) is at or before (`<=`), or at or after (`>=`), a position. */
async function anyBeyond(db: Db, position: CustomerPosition, side: "<=" | ">=", scope: string[] | null): Promise<boolean> {
  const [row] = await db.query<{ found: boolean }>(
    `select exists (select 1 from customers where (name, id) ${side} ($1::text, $2::text) and ($3::text[] is null or id = any($3::text[]))) as found`,
    [position[0], position[1], scope],
  );
  return row!.found;
}
