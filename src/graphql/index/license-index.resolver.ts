import { Arg, Args, ArgsType, Ctx, Extensions, Field, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { licenseId } from "../../domain/model.js";
import type { CustomerHealthView } from "../../federation/reads.js";
import { indexCursorOf, type IndexedLicenseRow } from "../../store/license-index.js";
import { badInput } from "../../errors/gateway-error.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../common/connection.js";
import type { GatewayContext } from "../context.js";
import { Customer } from "../customer/customer.type.js";
import type { CustomerRow } from "../../store/customers.js";
import { LicenseStatus } from "../license/license.type.js";
import { LIVE } from "../live-fields.js";
import {
  CustomerHealth,
  IndexedLicense,
  IndexedLicenseConnection,
  LicenseIndexFilter,
  SourceSyncStatus,
  type ClaimConflictReason,
} from "./indexed-license.type.js";
import { Source } from "../source/source.type.js";
import type { SyncStateRow } from "../../store/sync-state.js";

@ArgsType()
class IndexPageArgs {
  @Field(() => LicenseIndexFilter, { nullable: true, description: "Which licenses; all within reach when absent." })
  filter?: LicenseIndexFilter | null;

  @Field(() => Int, { nullable: true, description: `At most this many, 0 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "An `endCursor` (or an edge's cursor): the page starts after it." })
  after?: string | null;
}

/** What the index's views answer with; never cached as whole responses (LIVE): the sync changes them by itself. */
@Resolver()
export class LicenseIndexResolver {
  @Query(() => IndexedLicenseConnection, {
    description:
      "Licenses across customers from the license index, the background sync's copy of every source (no vendor call): filter by status, " +
      "source, expiry or claims, within the caller's reach (a partner: its granted customers; a license no customer maps: admins only). " +
      "Each license says when it was indexed. Empty while the sync is off or has not run.",
  })
  @Extensions(LIVE)
  async licenses(@Args(() => IndexPageArgs) args: IndexPageArgs, @Ctx() ctx: GatewayContext): Promise<IndexedLicenseConnection> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw badInput(["first"], `first must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const filter = args.filter ?? {};
    const page = await ctx.reads.indexedLicenses(
      {
        customerId: filter.customerId,
        status: filter.status,
        sources: filter.sources,
        expiresBefore: filter.expiresBefore,
        unclaimed: filter.unclaimed,
      },
      first,
      args.after ?? undefined,
    );
    return {
      edges: page.rows.map((row) => ({ cursor: indexCursorOf(row), node: view(row) })),
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: args.after != null, startCursor: null, endCursor: page.endCursor },
    };
  }
}

@Resolver(() => Customer)
export class CustomerHealthResolver {
  @FieldResolver(() => CustomerHealth, {
    nullable: true,
    description:
      "What needs attention in the customer's licenses, from the license index alone: licenses expiring with no replacement, controllers " +
      "without an active license, conflicting claims, and each source's sync.",
  })
  @Extensions(LIVE)
  async health(
    @Root() customer: CustomerRow,
    @Arg("expiringWithinDays", () => Int, { defaultValue: 30, description: "The horizon for `expiringWithoutReplacement`, 1 to 366 days." })
    days: number,
    @Ctx() ctx: GatewayContext,
  ): Promise<CustomerHealth | null> {
    if (!Number.isInteger(days) || days < 1 || days > 366)
      throw badInput(["expiringWithinDays"], "expiringWithinDays must be between 1 and 366");
    const report = await ctx.reads.customerHealth(customer.id, days);
    return report && healthView(report);
  }
}

function healthView(report: CustomerHealthView): CustomerHealth {
  return {
    expiringWithoutReplacement: report.expiringWithoutReplacement.map(view),
    controllersWithoutActiveLicense: report.controllersWithoutActiveLicense,
    claimConflicts: report.claimConflicts.map((c) => ({
      nodeId: c.nodeId,
      reason: c.reason as ClaimConflictReason,
      licenses: c.licenses.map(view),
    })),
    sources: report.sources.map(({ source, sync }) => syncView(source, sync)),
  };
}

function syncView(source: string, sync: SyncStateRow | null): SourceSyncStatus {
  return {
    source,
    lastSuccessAt: sync?.lastSuccessAt ?? null,
    lastErrorAt: sync?.lastErrorAt ?? null,
    lastErrorCode: sync?.lastErrorCode ?? null,
    consecutiveFailures: sync?.consecutiveFailures ?? 0,
    lastStartedAt: sync?.lastStartedAt ?? null,
    lastDurationMs: sync?.lastDurationMs ?? null,
    accounts: sync?.accounts ?? 0,
    licenses: sync?.licenses ?? 0,
  };
}

@Resolver(() => Source)
export class SourceSyncResolver {
  @FieldResolver(() => SourceSyncStatus, {
    nullable: true,
    description:
      "How the background sync of this source into the license index went (issue 16); null before its first sync or when the sync is off. Admins only.",
  })
  @Extensions(LIVE)
  async sync(@Root() source: Source, @Ctx() ctx: GatewayContext): Promise<SourceSyncStatus | null> {
    const state = await ctx.reads.sourceSync(source.id);
    return state && syncView(source.id, state);
  }
}

function view(row: IndexedLicenseRow): IndexedLicense {
  // The GraphQL enum has the domain's values, one for one (src/graphql/license/license.type.ts).
  return { ...row, status: row.status as LicenseStatus, licenseId: licenseId(row.source, row.externalId) };
}
