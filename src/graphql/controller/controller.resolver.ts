import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Resolver, Root } from "type-graphql";
import type { Datalink as DatalinkModel, License as LicenseModel } from "../../domain/model.js";
import type { ControllerView } from "../../federation/reads.js";
import { licenseConnection } from "../common/license-connection.js";
import { LicenseConnection, LicenseConnectionArgs } from "../common/license-connection.type.js";
import type { GatewayContext } from "../context.js";
import { Customer } from "../customer/customer.type.js";
import { License, LicenseStatus } from "../license/license.type.js";
import { Source } from "../source/source.type.js";
import { sourceView } from "../source/source.view.js";
import { Controller, Datalink } from "./controller.type.js";

/** What a Datalink resolves from: the link, and the license it was reached through when known. */
export type DatalinkParent = DatalinkModel & { license?: LicenseModel | null };

@Resolver(() => Controller)
export class ControllerResolver {
  @FieldResolver(() => String, { nullable: true, description: "The registry's name, else the first vendor's." })
  async name(@Root() c: ControllerView, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    if (c.name !== null) return c.name;
    return (await ctx.reads.vendorControllers(c.nodeId, ctx.reportPartial(info))).find((v) => v.name !== null)?.name ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The registry's serial number, else the first vendor's." })
  async serialNumber(@Root() c: ControllerView, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    if (c.serialNumber !== null) return c.serialNumber;
    return (
      (await ctx.reads.vendorControllers(c.nodeId, ctx.reportPartial(info))).find((v) => v.serialNumber !== null)?.serialNumber ?? null
    );
  }

  @FieldResolver(() => Customer, { nullable: true, description: "The owner, when the controller is registered with the gateway." })
  customer(@Root() c: ControllerView, @Ctx() ctx: GatewayContext) {
    return c.customerId === null ? null : ctx.reads.customer(c.customerId);
  }

  @FieldResolver(() => [License], {
    description:
      "Licenses linked to this controller at any source, all in one list. A failing source adds an error and its licenses are missing.",
    deprecationReason: "Use licensesConnection: the same licenses, ordered by id and paged with stable cursors.",
  })
  licenses(
    @Root() c: ControllerView,
    @Arg("source", () => ID, { nullable: true, description: "Only this source." }) source: string | null,
    @Arg("status", () => LicenseStatus, { nullable: true, description: "Only licenses in this state." }) status: LicenseStatus | null,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.reads.controllerLicenses(c.nodeId, ctx.reportPartial(info), { source, status });
  }

  @FieldResolver(() => LicenseConnection, {
    description:
      "Licenses linked to this controller at any source, ordered by id and a page at a time. A failing source adds an error and its licenses are missing.",
  })
  async licensesConnection(
    @Root() c: ControllerView,
    @Args(() => LicenseConnectionArgs) args: LicenseConnectionArgs,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const paging = licenseConnection.check(args);
    return licenseConnection.page(
      await ctx.reads.controllerLicenses(c.nodeId, ctx.reportPartial(info), { source: args.source ?? null, status: args.status ?? null }),
      paging,
    );
  }

  @FieldResolver(() => [Datalink], { description: "This controller's links to licenses." })
  async datalinks(@Root() c: ControllerView, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<DatalinkParent[]> {
    const report = ctx.reportPartial(info);
    const licenses = await ctx.reads.controllerLicenses(c.nodeId, report);
    const links = await Promise.all(
      licenses.map(async (license) =>
        (await ctx.reads.licenseDatalinks(license, report)).filter((d) => d.nodeId === c.nodeId).map((d) => ({ ...d, license })),
      ),
    );
    return links.flat();
  }
}

@Resolver(() => Datalink)
export class DatalinkResolver {
  @FieldResolver(() => License, { description: "The linked license." })
  async license(@Root() d: DatalinkParent, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return d.license ?? (await ctx.reads.license(`${d.source}:${d.licenseExternalId}`, ctx.reportPartial(info)));
  }

  @FieldResolver(() => Controller, { nullable: true, description: "The controller, when the gateway can know it; never guessed." })
  controller(@Root() d: DatalinkParent, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return d.nodeId === null ? null : ctx.reads.controller(d.nodeId, ctx.reportPartial(info));
  }

  @FieldResolver(() => Source, { description: "The source holding the linked license." })
  source(@Root() d: DatalinkParent, @Ctx() ctx: GatewayContext) {
    return sourceView(ctx.sources, d.source);
  }
}
