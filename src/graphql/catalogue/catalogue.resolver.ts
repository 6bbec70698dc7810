import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Resolver, Root } from "type-graphql";
import type { CustomerRow } from "../../store/customers.js";
import type { GatewayContext } from "../context.js";
import { Customer } from "../customer/customer.type.js";
import {
  AssignBulkLicenseInput,
  AssignDemoLicenseInput,
  AssignLicensePayload,
  CancelLicensePayload,
  LicenseOffer,
  LicenseRefInput,
} from "./offer.type.js";

@Resolver(() => Customer)
export class CustomerCatalogueResolver {
  @FieldResolver(() => [LicenseOffer], {
    description: "Licenses the customer can be given, from the catalogues of the sources where it has an account (Customerarea).",
  })
  availableLicenses(
    @Root() customer: CustomerRow,
    @Arg("source", () => ID, { nullable: true, description: "Only this source." }) source: string | null,
    @Arg("durationMonths", () => Int, { nullable: true, description: "Only offers running this many months." })
    durationMonths: number | null,
    @Arg("version", () => String, { nullable: true, description: "Only this product version." }) version: string | null,
    @Arg("code", () => String, { nullable: true, description: "Only this offer code." }) code: string | null,
    @Arg("lang", () => String, { nullable: true, description: "Language of the names (two letters); default EN." }) lang: string | null,
    @Arg("currency", () => String, { nullable: true, description: "Currency of the prices (ISO 4217); default EUR." })
    currency: string | null,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const filter = {
      source,
      durationMonths: durationMonths ?? undefined,
      version: version ?? undefined,
      code: code ?? undefined,
      lang: lang ?? undefined,
      currency: currency ?? undefined,
    };
    return ctx.reads.customerOffers(customer.id, filter, ctx.reportPartial(info));
  }
}

@Resolver()
export class CatalogueMutationResolver {
  @Mutation(() => AssignLicensePayload, { description: "Give a customer a free demo license from a source's catalogue." })
  assignDemoLicense(@Arg("input", () => AssignDemoLicenseInput) input: AssignDemoLicenseInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.catalogue.assignDemoLicense(input);
  }

  @Mutation(() => AssignLicensePayload, { description: "Give a customer a paid license from a source's catalogue." })
  assignBulkLicense(@Arg("input", () => AssignBulkLicenseInput) input: AssignBulkLicenseInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.catalogue.assignBulkLicense(input);
  }

  @Mutation(() => AssignLicensePayload, { description: "Renew a catalogue license at its vendor." })
  renewLicense(@Arg("input", () => LicenseRefInput) input: LicenseRefInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.catalogue.renewLicense(input);
  }

  @Mutation(() => CancelLicensePayload, { description: "Cancel a catalogue license at its vendor." })
  cancelLicense(@Arg("input", () => LicenseRefInput) input: LicenseRefInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.catalogue.cancelLicense(input);
  }
}
