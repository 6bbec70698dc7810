import type { GraphQLResolveInfo } from "graphql";
import { Ctx, FieldResolver, ID, Info, Resolver, Root } from "type-graphql";
import { licenseId, type License as LicenseModel } from "../../domain/model.js";
import type { GatewayContext } from "../context.js";
import { Datalink } from "../controller/controller.type.js";
import type { DatalinkParent } from "../controller/controller.resolver.js";
import { Customer } from "../customer/customer.type.js";
import { Source } from "../source/source.type.js";
import { sourceView } from "../source/source.view.js";
import { License } from "./license.type.js";

@Resolver(() => License)
export class LicenseResolver {
  @FieldResolver(() => ID)
  id(@Root() license: LicenseModel) {
    return licenseId(license.source, license.externalId);
  }

  @FieldResolver(() => Source, { description: "Where the license is held." })
  source(@Root() license: LicenseModel, @Ctx() ctx: GatewayContext) {
    return sourceView(ctx.sources, license.source);
  }

  @FieldResolver(() => Customer, { nullable: true, description: "The gateway customer it belongs to, when the gateway can know it." })
  customer(@Root() license: LicenseModel, @Ctx() ctx: GatewayContext) {
    return ctx.reads.licenseCustomer(license);
  }

  @FieldResolver(() => [Datalink], { description: "The controllers it is claimed for." })
  async datalinks(@Root() license: LicenseModel, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<DatalinkParent[]> {
    return (await ctx.reads.licenseDatalinks(license, ctx.reportPartial(info))).map((d) => ({ ...d, license }));
  }
}
