import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Resolver, Root } from "type-graphql";
import type { CustomerRow, AccountRow } from "../../store/customers.js";
import type { GatewayContext } from "../context.js";
import { Controller } from "../controller/controller.type.js";
import { License, LicenseStatus } from "../license/license.type.js";
import { Source } from "../source/source.type.js";
import { sourceView } from "../source/source.view.js";
import { Customer, CustomerAccount } from "./customer.type.js";

@Resolver(() => Customer)
export class CustomerResolver {
  @FieldResolver(() => [CustomerAccount], { description: "Where the customer has accounts, and under which vendor id." })
  accounts(@Root() customer: CustomerRow, @Ctx() ctx: GatewayContext) {
    return ctx.reads.customerAccounts(customer.id);
  }

  @FieldResolver(() => [License], {
    description:
      "Licenses from every source where the customer has an account, plus its local licenses. A failing source adds an error " +
      "(extensions.code, extensions.source) and its licenses are missing; the others are still listed.",
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

  @FieldResolver(() => [Controller], { description: "Controllers registered for this customer in the gateway." })
  controllers(@Root() customer: CustomerRow, @Ctx() ctx: GatewayContext) {
    return ctx.reads.controllersOfCustomer(customer.id);
  }
}

@Resolver(() => CustomerAccount)
export class CustomerAccountResolver {
  @FieldResolver(() => Source, { description: "The source the account is at." })
  source(@Root() account: AccountRow, @Ctx() ctx: GatewayContext) {
    return sourceView(ctx.sources, account.source);
  }
}
