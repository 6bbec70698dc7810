import { Field, Int, ObjectType } from "type-graphql";
import { License } from "../license/license.type.js";
import { PageInfo } from "./page-info.type.js";

@ObjectType({ description: "One license in a page, with its cursor." })
export class LicenseEdge {
  @Field(() => String, { description: 'Opaque and stable: the same license always has the same cursor, in every connection that lists it.' })
  cursor!: string;

  @Field(() => License, { description: "The license." })
  node!: License;
}

@ObjectType({ description: 'Licenses ordered by `id` ("<source>:<externalId>", plain code-unit order), a page at a time (Relay cursor connection).' })
export class LicenseConnection {
  @Field(() => [LicenseEdge], { description: "This page's licenses." })
  edges!: LicenseEdge[];

  @Field(() => PageInfo, { description: "Where this page stands, and the cursors to get the pages next to it." })
  pageInfo!: PageInfo;

  @Field(() => Int, {
    description: "How many licenses match the filters, on every page together, among the sources that answered (a failing source adds an error and counts none).",
  })
  totalCount!: number;
}
