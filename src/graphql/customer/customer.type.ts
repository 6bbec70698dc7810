import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars/date-time.js";
import { Node } from "../node/node.type.js";
import { PageInfo } from "../common/page-info.type.js";

@ObjectType({ implements: Node, description: "A customer of the gateway's operator, federated across the sources where it has accounts." })
export class Customer {
  @Field(() => ID, {
    description:
      "The gateway's id for the customer. Never contains ':', never a source's id, never 16 hex digits: no other type's id can equal it (see Node).",
  })
  id!: string;

  // Nullable in the schema only: the store requires a name. Controller.name may be null, and GraphQL refuses a
  // selection of `name` on both Node types at once (`... on Customer { name } ... on Controller { name }`) unless
  // the two fields have the same type; widening this one breaks no client that reads it, narrowing that one would lie.
  @Field(() => String, {
    nullable: true,
    description:
      "The customer's name as the gateway's operator knows it. Never null; nullable so that it has the type of Controller.name (see Node).",
  })
  name!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the gateway first recorded the customer." })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the customer or its accounts last changed." })
  updatedAt!: Date | null;
}

@ObjectType({ description: "The customer's identity at one source: which vendor account its licenses are listed under." })
export class CustomerAccount {
  @Field(() => String, { description: "The vendor's id for the customer (for Eniris, the company UUID)." })
  externalId!: string;
}

@ObjectType({ description: "One customer in a page, with its cursor." })
export class CustomerEdge {
  @Field(() => String, {
    description: "Opaque; the same customer has the same cursor as long as its name stays the same (the order is by name, then id).",
  })
  cursor!: string;

  @Field(() => Customer, { description: "The customer." })
  node!: Customer;
}

@ObjectType({ description: "Customers ordered by name, then id (Relay cursor connection)." })
export class CustomerConnection {
  @Field(() => [CustomerEdge], { description: "This page's customers." })
  edges!: CustomerEdge[];

  @Field(() => PageInfo, { description: "Where this page stands, and the cursors to get the pages next to it." })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many edges this page holds." })
  count!: number;
}
