import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { GatewayError, badInput } from "../errors/gateway-error.js";
import { tag } from "../domain/data-tags.js";
import { customerIdProblem } from "../domain/customer-id.js";
import type { CustomerAccountsTable, CustomersTable } from "./database.js";
import { sqlState, type Db } from "./db.js";
import { toDate } from "./dialect.js";
import { NO_CHANGE_SINK, type ChangeSink } from "./changes.js";
import { prepared } from "./prepared.js";

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
  /** The configured sources' ids, which a new customer id must not take (see src/domain/customer-id.ts). Default none but "local". */
  sourceIds?: readonly string[];
}

const CUSTOMER = ["id", "name", "created_at", "updated_at"] as const;
const ACCOUNT = ["customer_id", "source", "external_id"] as const;

type StoredCustomer = Pick<Selectable<CustomersTable>, (typeof CUSTOMER)[number]>;
type StoredAccount = Selectable<CustomerAccountsTable>;

const toCustomer = (r: StoredCustomer): CustomerRow => ({
  id: r.id,
  name: r.name,
  createdAt: toDate(r.created_at),
  updatedAt: toDate(r.updated_at),
});
const toAccount = (r: StoredAccount): AccountRow => ({ customerId: r.customer_id, source: r.source, externalId: r.external_id });

// Every operation that names a customer reads it and its accounts (the loaders): compiled once (prepared.ts).
const customersById = prepared((db: Db, ids: string[]) =>
  db.kysely.selectFrom("customers").select(CUSTOMER).where(db.dialect.anyOf("id", ids)),
);
const accountsOfCustomers = prepared((db: Db, customerIds: string[]) =>
  db.kysely
    .selectFrom("customer_accounts")
    .select(ACCOUNT)
    .where(db.dialect.anyOf("customer_id", customerIds))
    .orderBy("source")
    .orderBy("external_id"),
);
const ownersOfAccounts = prepared((db: Db, pairs: Array<readonly [string, string]>) =>
  db.kysely
    .selectFrom("customer_accounts")
    .select(ACCOUNT)
    .where(db.dialect.pairIn(["source", "external_id"], pairs)),
);

export type CustomerQueries = ReturnType<typeof customerQueries>;

export function customerQueries(db: Db, changed: ChangeSink = NO_CHANGE_SINK) {
  const { kysely, dialect } = db;
  const customers = () => kysely.selectFrom("customers").select(CUSTOMER);
  const accounts = () => kysely.selectFrom("customer_accounts").select(ACCOUNT);

  return {
    /** Rows for the ids that exist, in no particular order (DataLoaders regroup by id). */
    getMany: async (ids: string[]) => (await customersById(db, ids)).map(toCustomer),

    /**
     * Keyset pagination on (name, id): a position stays valid while customers are added, removed or renamed. A
     * backward page (`last`) is read in reverse order and turned round. The flag for the side the client came from
     * (rows at or before `after` when paging forward) costs one more query, and only when that cursor is given.
     */
    async list({ first, last, after = null, before = null, only }: CustomerListRequest): Promise<CustomerPage> {
      const forward = last === undefined;
      const size = forward ? first : last;
      // The GraphQL layer checks its arguments first (connection.ts); these guard other callers.
      if (size === undefined || (first !== undefined && last !== undefined))
        throw new Error("customers.list needs exactly one of first and last");
      const name = forward ? "first" : "last";
      if (!Number.isInteger(size) || size < 0) throw badInput([name], `${name} must be a non-negative integer, got ${size}`);
      const scope = only === undefined ? null : [...only];
      let query = customers();
      if (after !== null) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple("name", "id"), ">", tuple(after[0], after[1])));
      if (before !== null) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple("name", "id"), "<", tuple(before[0], before[1])));
      if (scope !== null) query = query.where(dialect.anyOf("id", scope));
      query = forward ? query.orderBy("name").orderBy("id") : query.orderBy("name", "desc").orderBy("id", "desc");
      const rows = (await query.limit(size + 1).execute()).map(toCustomer);
      const page = rows.slice(0, size);
      if (!forward) page.reverse();
      const more = rows.length > size;
      const behind = forward ? after : before;
      const beyond = behind !== null && (await anyBeyond(db, behind, forward ? "<=" : ">=", scope));
      return { rows: page, hasPreviousPage: forward ? beyond : more, hasNextPage: forward ? more : beyond };
    },

    /** How many customers there are, of `only` when given. */
    async count(only?: readonly string[]): Promise<number> {
      let query = kysely.selectFrom("customers").select((eb) => eb.fn.countAll().as("count"));
      if (only !== undefined) query = query.where(dialect.anyOf("id", only));
      return Number((await query.executeTakeFirstOrThrow()).count);
    },

    accountsOf: async (customerIds: string[]) => (await accountsOfCustomers(db, customerIds)).map(toAccount),

    /** Which customer owns each of these accounts; accounts nobody owns are simply absent. */
    findByAccounts: async (pairs: AccountKey[]) =>
      (
        await ownersOfAccounts(
          db,
          pairs.map((p) => [p.source, p.externalId] as const),
        )
      ).map(toAccount),

    accountsAtSource: async (source: string) =>
      (await accounts().where("source", "=", source).orderBy("external_id").execute()).map(toAccount),

    /** Creates or renames a customer and replaces its accounts, all or nothing. */
    async upsert(input: UpsertCustomerInput): Promise<CustomerRow> {
      if (input.name.trim() === "") throw badInput(["input", "name"], "a customer needs a non-empty name");
      const id = input.id ?? randomUUID();
      const wanted = dedupe(input.accounts);
      let replaced: AccountRow[] = [];
      const row = await db.transaction(async (tx) => {
        // Only a new id must keep to the rule: one stored before it stays usable (src/domain/customer-id.ts).
        if (
          input.id !== undefined &&
          (await tx.kysely.selectFrom("customers").select("id").where("id", "=", id).executeTakeFirst()) === undefined
        ) {
          const problem = customerIdProblem(id, input.sourceIds);
          if (problem) throw badInput(["input", "id"], problem);
        }
        // Checked before any write so the message can name the account; the primary key below still decides
        // a race with a concurrent upsert that claims the same account.
        const taken = (await customerQueries(tx).findByAccounts(wanted)).find((a) => a.customerId !== id);
        if (taken) throw accountConflict(taken);
        const now = tx.dialect.now();
        const row = await tx.kysely
          .insertInto("customers")
          .values({ id, name: input.name, created_at: now, updated_at: now })
          .onConflict((oc) => oc.column("id").doUpdateSet((eb) => ({ name: eb.ref("excluded.name"), updated_at: now })))
          .returning(CUSTOMER)
          .executeTakeFirstOrThrow();
        const removed = await tx.kysely.deleteFrom("customer_accounts").where("customer_id", "=", id).returning(ACCOUNT).execute();
        replaced = [...removed.map(toAccount), ...wanted.map((a) => ({ customerId: id, ...a }))];
        try {
          if (wanted.length > 0) {
            await tx.kysely
              .insertInto("customer_accounts")
              .values(wanted.map((a) => ({ customer_id: id, source: a.source, external_id: a.externalId })))
              .execute();
          }
        } catch (error) {
          if (sqlState(error) === "23505") throw accountConflict(null, error);
          throw error;
        }
        return toCustomer(row);
      });
      // Who owns which account changed for the accounts removed and the ones added.
      changed([
        tag.customer(id),
        tag.customerList,
        ...replaced.flatMap((a) => [tag.account(a.source, a.externalId), tag.accountsAt(a.source)]),
      ]);
      return row;
    },
  };
}

function accountConflict(taken: AccountRow | null, cause?: unknown): GatewayError {
  const what = taken
    ? `account ${taken.externalId} at source ${taken.source} belongs to customer ${taken.customerId}`
    : "an account belongs to another customer";
  return new GatewayError("CONFLICT", what, { field: ["input", "accounts"], cause });
}

function dedupe(accounts: AccountKey[]): AccountKey[] {
  const seen = new Map(accounts.map((a) => [JSON.stringify([a.source, a.externalId]), a]));
  return [...seen.values()];
}

/** Whether any customer (of `scope`) is at or before (`<=`), or at or after (`>=`), a position. */
async function anyBeyond(db: Db, position: CustomerPosition, side: "<=" | ">=", scope: string[] | null): Promise<boolean> {
  let query = db.kysely
    .selectFrom("customers")
    .select("id")
    .where(({ eb, refTuple, tuple }) => eb(refTuple("name", "id"), side, tuple(position[0], position[1])));
  if (scope !== null) query = query.where(db.dialect.anyOf("id", scope));
  return (await query.limit(1).execute()).length > 0;
}
