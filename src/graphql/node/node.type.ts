import { Field, ID, InterfaceType } from "type-graphql";

/** Which GraphQL type a value returned by `node`/`nodes` is; set by the node resolver (reads return plain objects). */
export const NODE_TYPE = Symbol("nodeType");
export type Typed<T> = T & { [NODE_TYPE]: "Customer" | "Controller" | "License" };

@InterfaceType({
  description:
    "An object with a global id (Relay global object identification): `Query.node(id)` fetches it again. " +
    'Ids: a Customer\'s is the gateway\'s id, a License\'s "<source>:<externalId>", a Controller\'s "Controller:<nodeId>".',
  resolveType: (value: Typed<object>) => value[NODE_TYPE],
})
export abstract class Node {
  @Field(() => ID, { description: "Globally unique and stable; pass to Query.node to fetch the object again." })
  id!: string;
}
