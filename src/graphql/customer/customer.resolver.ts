import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Resolver, Root } from "type-graphql";
import type { CustomerRow, AccountRow } from "../../store/customers.js";
import { ConnectionArgs } from "../common/connection.args.js";
import { controllerConnection } from "../common/controller-connection.js";
import { ControllerConnection } from "../common/controller-connection.type.js";
import { licenseConnection } from "../common/license-connection.js";
import { LicenseConnection, LicenseConnectionArgs } from "../common/license-connection.type.js";
import type { GatewayContext } from "../context.js";
import { Controller } from "../controller/controller.type.js";
import { License, LicenseStatus } from "../license/license.type.js";
import { Source } from "../source/source.type.js";
import { sourceView } from "../source/source.view.js";
import { Customer, CustomerAccount, CustomerConnection } from "./customer.type.js";

@Resolver(() => Customer)
export class CustomerResolver {
  @FieldResolver(() => [CustomerAccount], { description: "Where the customer has accounts, and under which vendor id." })
  accounts(@Root() customer: CustomerRow, @Ctx() ctx: GatewayContext) {
    return ctx.reads.customerAccounts(customer.id);
  }

  @FieldResolver(() => [License], {
    description:
      "Licenses from every source where the customer has an account, plus its local licenses, all in one list. A failing source adds an error " +
      "(extensions.code, extensions.source) and its licenses are missing; the others are still listed.",
    deprecationReason: "Use licensesConnection: the same licenses, ordered by id and paged with stable cursors.",
  })
  licenses(
    @Root() customer: CustomerRow,
    @Arg("source", () => ID, { nullable: true, description: "Only this source." }) source: string | null,
    @Arg("status", () => LicenseStatus, { nullable: true, description: "Only licenses in this state." }) status: LicenseStatus | null,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return ctx.reads.customerLicenses(customer.id, { source, status }, ctx.reportPartial(info));
  }

  @FieldResolver(() => LicenseConnection, {
    description:
      "Licenses from every source where the customer has an account, plus its local licenses, ordered by id and a page at a time. " +
      "A failing source adds an error (extensions.code, extensions.source) and its licenses are missing; the others are still listed.",
  })
  async licensesConnection(
    @Root() customer: CustomerRow,
    @Args(() => LicenseConnectionArgs) args: LicenseConnectionArgs,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const paging = licenseConnection.check(args);
    return licenseConnection.page(
      await ctx.reads.customerLicenses(customer.id, { source: args.source ?? null, status: args.status ?? null }, ctx.reportPartial(info)),
      paging,
    );
  }

  @FieldResolver(() => [Controller], {
    description: "Controllers registered for this customer in the gateway, all in one list (for a large fleet, controllersConnection).",
  })
  controllers(@Root() customer: CustomerRow, @Ctx() ctx: GatewayContext) {
    return ctx.reads.controllersOfCustomer(customer.id);
  }

  @FieldResolver(() => ControllerConnection, {
    description: "Controllers registered for this customer in the gateway, ordered by node id and a page at a time.",
  })
  async controllersConnection(@Root() customer: CustomerRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: GatewayContext) {
    const paging = controllerConnection.check(args);
    return controllerConnection.page(await ctx.reads.controllersOfCustomer(customer.id), paging);
  }
}

@Resolver(() => CustomerConnection)
export class CustomerConnectionResolver {
  @FieldResolver(() => Int, {
    description: "How many customers there are in all pages together (that you may see). Counted only when asked: one count in the store.",
  })
  totalCount(@Ctx() ctx: GatewayContext) {
    return ctx.reads.customerCount();
  }
}

@Resolver(() => CustomerAccount)
export class CustomerAccountResolver {
  @FieldResolver(() => Source, { description: "The source the account is at." })
  source(@Root() account: AccountRow, @Ctx() ctx: GatewayContext) {
    return sourceView(ctx.sources, account.source);
  }
}
