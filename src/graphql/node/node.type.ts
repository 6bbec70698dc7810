import { Field, ID, InterfaceType } from "type-graphql";

/** Which GraphQL type a value returned by `node`/`nodes` is; set by the node resolver (reads return plain objects). */
export const NODE_TYPE = Symbol("nodeType");
export type Typed<T> = T & { [NODE_TYPE]: "Customer" | "Controller" | "License" };

/** The name of the object type a `node`/`nodes` value is; synchronous (see buildGatewaySchema). */
export const resolveNodeType = (value: Typed<object>): string => value[NODE_TYPE];

@InterfaceType({
  description:
    "An object with a global id (Relay global object identification): `Query.node(id)` fetches it again. " +
    "Every `id` in this schema is unique across all types by its form, so a client may key its cache by `id` alone: " +
    'a License\'s is "<source>:<externalId>", a Controller\'s "Controller:<nodeId>" (capital C; source ids are lowercase), ' +
    "a Customer's never contains ':', is never a source's id and never 16 hex digits (upsertCustomer refuses such ids). " +
    'Datalink ("<source>:dl:…") and TrustedDocument ("sha256:…") ids contain \':\' too; Source and ApiKey ids never do.',
  resolveType: resolveNodeType,
})
export abstract class Node {
  @Field(() => ID, {
    description: "Unique among every id of every type (see Node) and stable; pass to Query.node to fetch the object again.",
  })
  id!: string;
}
