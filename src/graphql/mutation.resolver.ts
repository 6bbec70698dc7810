import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import { UpsertControllerInput } from "./controller/controller.inputs.js";
import { Controller } from "./controller/controller.type.js";
import { UpsertCustomerInput } from "./customer/customer.inputs.js";
import { Customer } from "./customer/customer.type.js";
import {
  ActivateLicenseInput,
  ActivateLicensePayload,
  ClaimLicenseInput,
  ClaimLicensePayload,
  IssueLicenseInput,
  ReleaseLicenseInput,
  ReleaseLicensePayload,
} from "./license/license.inputs.js";
import { License } from "./license/license.type.js";

/** Thin: each mutation hands its input to the MutationService, which validates, calls the source and audits. */
@Resolver()
export class MutationResolver {
  @Mutation(() => ActivateLicensePayload, { description: "Activate a license at its source. Domain failures come back in `errors`." })
  activateLicense(@Arg("input", () => ActivateLicenseInput) input: ActivateLicenseInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.licenses.activateLicense(input);
  }

  @Mutation(() => ClaimLicensePayload, { description: "Link a license to a controller. Domain failures come back in `errors`." })
  claimLicense(@Arg("input", () => ClaimLicenseInput) input: ClaimLicenseInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.licenses.claimLicense(input);
  }

  @Mutation(() => ReleaseLicensePayload, {
    description:
      "Undo a claim. At Cryptolens this deactivates the machine; for local and gateway-kept claims it removes the link; Eniris cannot.",
  })
  releaseLicense(@Arg("input", () => ReleaseLicenseInput) input: ReleaseLicenseInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.licenses.releaseLicense(input);
  }

  @Mutation(() => Customer, { description: "Create or update a customer and its accounts at the sources (the federation map)." })
  upsertCustomer(@Arg("input", () => UpsertCustomerInput) input: UpsertCustomerInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.customers.upsertCustomer(input);
  }

  @Mutation(() => Controller, { description: "Register a controller with the gateway, or update it." })
  async upsertController(@Arg("input", () => UpsertControllerInput) input: UpsertControllerInput, @Ctx() ctx: GatewayContext) {
    const row = await ctx.mutations.customers.upsertController(input);
    return { nodeId: row.nodeId, name: row.name, serialNumber: row.serialNumber, customerId: row.customerId };
  }

  @Mutation(() => License, { description: "Issue a license held in the gateway's own store (source `local`)." })
  issueLicense(@Arg("input", () => IssueLicenseInput) input: IssueLicenseInput, @Ctx() ctx: GatewayContext) {
    return ctx.mutations.licenses.issueLicense(input);
  }
}
