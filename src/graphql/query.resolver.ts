import { Arg, Ctx, ID, Info, Int, Query, Resolver } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { badInput } from "../errors/gateway-error.js";
import type { GatewayContext } from "./context.js";
import { Controller } from "./controller/controller.type.js";
import { Customer, CustomerConnection } from "./customer/customer.type.js";
import { License } from "./license/license.type.js";
import { Source } from "./source/source.type.js";
import { sourceView } from "./source/source.view.js";

const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

@Resolver()
export class QueryResolver {
  @Query(() => Customer, { nullable: true, description: "One customer by the gateway's id." })
  customer(@Arg("id", () => ID, { description: "The gateway's customer id." }) id: string, @Ctx() ctx: GatewayContext) {
    return ctx.reads.customer(id);
  }

  @Query(() => CustomerConnection, { description: `Customers ordered by name. \`first\` defaults to ${DEFAULT_PAGE}, at most ${MAX_PAGE}.` })
  async customers(
    @Arg("first", () => Int, { nullable: true, description: "Page size." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "A cursor from a previous page's pageInfo.endCursor." }) after: string | null,
    @Ctx() ctx: GatewayContext,
  ) {
    const size = first ?? DEFAULT_PAGE;
    if (size < 0 || size > MAX_PAGE) throw badInput(["first"], `first must be from 0 to ${MAX_PAGE}, got ${size}`);
    const page = await ctx.reads.customerPage(size, after ?? undefined);
    return {
      edges: page.rows.map((row) => ({ cursor: page.cursorOf(row), node: row })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      count: page.rows.length,
    };
  }

  @Query(() => Controller, { nullable: true, description: "A controller known to the gateway's registry or to any vendor." })
  controller(@Arg("nodeId", () => ID, { description: "The controller's node id." }) nodeId: string, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return ctx.reads.controller(nodeId, ctx.reportPartial(info));
  }

  @Query(() => License, { nullable: true, description: 'One license by its id ("<source>:<externalId>").' })
  license(@Arg("id", () => ID, { description: 'A License.id, "<source>:<externalId>".' }) id: string, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return ctx.reads.license(id, ctx.reportPartial(info));
  }

  @Query(() => License, { nullable: true, description: "One license by its key at a source." })
  licenseByKey(
    @Arg("source", () => ID, { description: "The source holding the license." }) source: string,
    @Arg("key", () => String, { description: "The license key." }) key: string,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.reads.licenseByKey(source, key, ctx.reportPartial(info));
  }

  @Query(() => [Source], {
    description:
      "Every configured source and how its recent calls went. Anyone may see each source's id, kind, state and circuit; " +
      "the operational detail (last error, latency, error rate) is null for anyone but an admin.",
  })
  sources(@Ctx() ctx: GatewayContext) {
    return ctx.sources.all().map((s) => sourceView(ctx.sources, s.id));
  }
}
