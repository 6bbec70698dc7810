import "reflect-metadata";
import { buildSchema } from "type-graphql";
import type { GraphQLSchema } from "graphql";
import { ControllerResolver, DatalinkResolver } from "./controller/controller.resolver.js";
import { CustomerAccountResolver, CustomerResolver } from "./customer/customer.resolver.js";
import { LicenseResolver } from "./license/license.resolver.js";
import { MutationResolver } from "./mutation.resolver.js";
import { QueryResolver } from "./query.resolver.js";
import { CatalogueMutationResolver, CustomerCatalogueResolver } from "./catalogue/catalogue.resolver.js";
import { ControllerHardwareResolver, CustomerProfileResolver, DirectoryMutationResolver } from "./directory/directory.resolver.js";

/** The schema clients build on; `schema/schema.graphql` is this, printed, and a test keeps them equal. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      QueryResolver,
      MutationResolver,
      CatalogueMutationResolver,
      DirectoryMutationResolver,
      CustomerResolver,
      CustomerAccountResolver,
      CustomerCatalogueResolver,
      CustomerProfileResolver,
      ControllerResolver,
      ControllerHardwareResolver,
      DatalinkResolver,
      LicenseResolver,
    ],
    // Input is validated by the federation layer with coded errors; class-validator is not used.
    validate: false,
  });
}
