import { Arg, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { badInput } from "../../errors/gateway-error.js";
import { checkId } from "../../federation/validate.js";
import type { GatewayContext } from "../context.js";
import { Controller } from "../controller/controller.type.js";
import type { ControllerView } from "../../federation/reads.js";
import { controllerGlobalId, parseNodeId } from "./node-id.js";
import { Node, NODE_TYPE, type Typed } from "./node.type.js";

/** Like `customers(first)`: one request cannot fan out without bound. */
export const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: "Any Node by its global id; null when it does not exist or the caller may not see it (the same answer).",
  })
  node(@Arg("id", () => ID, { description: "A Node.id." }) id: string, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return loadNode(checkId(id, ["id"], "a Node id"), ctx, info);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: `Several Nodes at once, in the order asked, null in the place of each one missing or not visible; at most ${MAX_NODES} ids.`,
  })
  nodes(@Arg("ids", () => [ID], { description: "Node ids." }) ids: string[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    if (ids.length > MAX_NODES) throw badInput(["ids"], `ids may hold at most ${MAX_NODES} ids, got ${ids.length}`);
    // Every id is checked before any is read: one that can never exist refuses the request, naming its place.
    ids.forEach((id, i) => checkId(id, ["ids", String(i)], "a Node id"));
    // One promise per id, started together, so the request's loaders batch them; a failing id is null in its place.
    return ids.map((id) => loadNode(id, ctx, info));
  }
}

/** `Controller.id`: Controllers had only `nodeId`, which could equal a customer's id (see node-id.ts). */
@Resolver(() => Controller)
export class ControllerNodeResolver {
  @FieldResolver(() => ID, { description: 'Global id, "Controller:<nodeId>" (see Node); nodeId is the controller\'s own id.' })
  id(@Root() controller: ControllerView): string {
    return controllerGlobalId(controller.nodeId);
  }
}

/** The same reads, and so the same authorization, as `customer(id)`, `controller(nodeId)` and `license(id)`. */
async function loadNode(id: string, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<Typed<object> | null> {
  const ref = parseNodeId(id, (source) => ctx.sources.find(source) !== undefined);
  const report = ctx.reportPartial(info);
  const found =
    ref.type === "Controller"
      ? await ctx.reads.controller(ref.nodeId, report)
      : ref.type === "License"
        ? await ctx.reads.license(ref.id, report)
        : await ctx.reads.customer(ref.id);
  return found ? { ...found, [NODE_TYPE]: ref.type } : null;
}
