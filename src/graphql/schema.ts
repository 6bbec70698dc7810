import "reflect-metadata";
import { CustomerHealthResolver, LicenseIndexResolver, SourceSyncResolver } from "./index/license-index.resolver.js";
import { buildSchema } from "type-graphql";
import { isInterfaceType, type GraphQLSchema } from "graphql";
import { ControllerResolver, DatalinkResolver } from "./controller/controller.resolver.js";
import { CustomerAccountResolver, CustomerConnectionResolver, CustomerResolver } from "./customer/customer.resolver.js";
import { LicenseResolver } from "./license/license.resolver.js";
import { MutationResolver } from "./mutation.resolver.js";
import { QueryResolver } from "./query.resolver.js";
import { CatalogueMutationResolver, CustomerCatalogueResolver } from "./catalogue/catalogue.resolver.js";
import { ControllerHardwareResolver, CustomerProfileResolver, DirectoryMutationResolver } from "./directory/directory.resolver.js";
import { ApiKeyResolver } from "./auth/api-key.resolver.js";
import { TrustedDocumentResolver } from "./auth/trusted-document.resolver.js";
import { ControllerNodeResolver, NodeResolver } from "./node/node.resolver.js";
import { LicenseEventResolver } from "./events/license-event.resolver.js";
import { WebhookResolver } from "./webhooks/webhook.resolver.js";
import { resolveNodeType } from "./node/node.type.js";
import { restrictOperationalFields } from "./restricted-fields.js";

/** The schema clients build on; `schema/schema.graphql` is this, printed, and a test keeps them equal. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      QueryResolver,
      MutationResolver,
      CatalogueMutationResolver,
      DirectoryMutationResolver,
      CustomerResolver,
      CustomerAccountResolver,
      CustomerConnectionResolver,
      CustomerCatalogueResolver,
      CustomerProfileResolver,
      ControllerResolver,
      ControllerHardwareResolver,
      DatalinkResolver,
      LicenseResolver,
      ApiKeyResolver,
      TrustedDocumentResolver,
      NodeResolver,
      ControllerNodeResolver,
      LicenseEventResolver,
      LicenseIndexResolver,
      CustomerHealthResolver,
      SourceSyncResolver,
      WebhookResolver,
    ],
    // type-graphql refuses a subscription without a PubSub, even one that has its own `subscribe` (licenseEvents reads
    // the gateway's event feed, src/events/): this one is never used.
    pubSub: {
      publish: () => {},
      subscribe: () => {
        throw new Error("buildGatewaySchema: subscriptions have their own subscribe functions; the PubSub is not used");
      },
    },
    // Input is validated by the federation layer with coded errors; class-validator is not used.
    validate: false,
  });
  // type-graphql wraps an interface's resolveType in an async function: a promise per node. The same function, bare.
  const node = schema.getType("Node");
  if (!isInterfaceType(node)) throw new Error("buildGatewaySchema: no interface Node in the schema");
  node.resolveType = resolveNodeType;
  // Who may see which object is decided in the read and mutation services; this hides fields, not objects.
  return restrictOperationalFields(schema);
}
