import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../scalars/date-time.js";

@ObjectType({ description: "A customer of the gateway's operator, federated across the sources where it has accounts." })
export class Customer {
  @Field(() => ID, { description: "The gateway's id for the customer." })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  updatedAt!: Date | null;
}

@ObjectType({ description: "The customer's identity at one source: which vendor account its licenses are listed under." })
export class CustomerAccount {
  @Field(() => String, { description: "The vendor's id for the customer (for Eniris, the company UUID)." })
  externalId!: string;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "Pass as `after` to get the next page." })
  endCursor!: string | null;
}

@ObjectType()
export class CustomerEdge {
  @Field(() => String, { description: "Opaque and stable: the same customer always has the same cursor." })
  cursor!: string;

  @Field(() => Customer)
  node!: Customer;
}

@ObjectType({ description: "Customers ordered by name, then id (Relay cursor connection)." })
export class CustomerConnection {
  @Field(() => [CustomerEdge])
  edges!: CustomerEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many edges this page holds." })
  count!: number;
}
