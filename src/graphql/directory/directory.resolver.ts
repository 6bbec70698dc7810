import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Mutation, Resolver, Root } from "type-graphql";
import type { ControllerView } from "../../federation/reads.js";
import type { CustomerRow } from "../../store/customers.js";
import type { GatewayContext } from "../context.js";
import { Controller } from "../controller/controller.type.js";
import { Customer } from "../customer/customer.type.js";
import { ControllerHardware, CustomerProfile, UpdateCustomerContactInput, UpdateCustomerContactPayload } from "./directory.type.js";

@Resolver(() => Customer)
export class CustomerProfileResolver {
  @FieldResolver(() => CustomerProfile, {
    nullable: true,
    description: "Contact details from the directory source (eSmart) where the customer has an account.",
  })
  profile(@Root() customer: CustomerRow, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return ctx.reads.customerProfile(customer.id, ctx.reportPartial(info));
  }
}

@Resolver(() => Controller)
export class ControllerHardwareResolver {
  @FieldResolver(() => ControllerHardware, {
    nullable: true,
    description: "The hardware with this controller's serial number at the directory source (eSmart).",
  })
  async hardware(@Root() c: ControllerView, @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo) {
    const report = ctx.reportPartial(info);
    const serial =
      c.serialNumber ?? (await ctx.reads.vendorControllers(c.nodeId, report)).find((v) => v.serialNumber !== null)?.serialNumber ?? null;
    return ctx.reads.controllerHardware(serial, report);
  }
}

@Resolver()
export class DirectoryMutationResolver {
  @Mutation(() => UpdateCustomerContactPayload, {
    description: "Change a customer's e-mail or phone numbers at the directory source (eSmart).",
  })
  updateCustomerContact(@Arg("input", () => UpdateCustomerContactInput) input: UpdateCustomerContactInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.customers.updateCustomerContact(input);
  }
}
