import { Arg, Args, Ctx, ID, Info, Query, Resolver } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { ConnectionArgs } from "./common/connection.args.js";
import { checkPaging, connectionOf, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./common/connection.js";
import { checkCustomerId, checkId, checkKey, checkNodeId } from "../federation/validate.js";
import type { GatewayContext } from "./context.js";
import { customerCursor, customerPosition } from "./customer/customer-cursor.js";
import { Controller } from "./controller/controller.type.js";
import { Customer, CustomerConnection } from "./customer/customer.type.js";
import { License } from "./license/license.type.js";
import { Source } from "./source/source.type.js";
import { sourceView } from "./source/source.view.js";

@Resolver()
export class QueryResolver {
  @Query(() => Customer, { nullable: true, description: "One customer by the gateway's id." })
  customer(@Arg("id", () => ID, { description: "The gateway's customer id." }) id: string, @Ctx() ctx: GatewayContext) {
    // Each id or key argument is checked where it enters, before any store query or vendor call (validate.ts).
    return ctx.reads.customer(checkCustomerId(id, ["id"]));
  }

  @Query(() => CustomerConnection, {
    description: `Customers ordered by name, then id, a page at a time. \`first\` defaults to ${DEFAULT_PAGE_SIZE}; \`first\` and \`last\` at most ${MAX_PAGE_SIZE}.`,
  })
  async customers(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext) {
    const paging = checkPaging(args, customerPosition);
    const page = await ctx.reads.customerPage({
      ...(paging.from === "start" ? { first: paging.size } : { last: paging.size }),
      after: paging.after,
      before: paging.before,
    });
    // totalCount is a field resolver (CustomerConnectionResolver): its count(*) runs only when it is asked for.
    return { ...connectionOf({ ...page, items: page.rows }, customerCursor), count: page.rows.length };
  }

  @Query(() => Controller, { nullable: true, description: "A controller known to the gateway's registry or to any vendor." })
  controller(
    @Arg("nodeId", () => ID, { description: "The controller's node id." }) nodeId: string,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.reads.controller(checkNodeId(nodeId, ["nodeId"]), ctx.reportPartial(info));
  }

  @Query(() => License, { nullable: true, description: 'One license by its id ("<source>:<externalId>").' })
  license(
    @Arg("id", () => ID, { description: 'A License.id, "<source>:<externalId>".' }) id: string,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.reads.license(checkId(id, ["id"], "a license id"), ctx.reportPartial(info));
  }

  @Query(() => License, { nullable: true, description: "One license by its key at a source." })
  licenseByKey(
    @Arg("source", () => ID, { description: "The source holding the license." }) source: string,
    @Arg("key", () => String, { description: "The license key." }) key: string,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    // The mutations' rule: a key no vendor can hold (over 50 characters, say) never reaches one.
    return ctx.reads.licenseByKey(source, checkKey(key, ["key"]), ctx.reportPartial(info));
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
