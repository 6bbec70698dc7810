import { ArgsType, Field, ID, Int, ObjectType } from "type-graphql";
import { License, LicenseStatus } from "../license/license.type.js";
import { ConnectionArgs } from "./connection.args.js";
import { PageInfo } from "./page-info.type.js";

/** The arguments of every `licensesConnection`: the paging arguments, then the filters the `licenses` lists take. */
@ArgsType()
export class LicenseConnectionArgs extends ConnectionArgs {
  @Field(() => LicenseStatus, { nullable: true, description: "Only licenses in this state." })
  status?: LicenseStatus | null;

  @Field(() => ID, { nullable: true, description: "Only this source." })
  source?: string | null;
}

@ObjectType({ description: "One license in a page, with its cursor." })
export class LicenseEdge {
  @Field(() => String, {
    description: "Opaque and stable: the same license always has the same cursor, in every connection that lists it.",
  })
  cursor!: string;

  @Field(() => License, { description: "The license." })
  node!: License;
}

@ObjectType({
  description: 'Licenses ordered by `id` ("<source>:<externalId>", plain code-unit order), a page at a time (Relay cursor connection).',
})
export class LicenseConnection {
  @Field(() => [LicenseEdge], { description: "This page's licenses." })
  edges!: LicenseEdge[];

  @Field(() => PageInfo, { description: "Where this page stands, and the cursors to get the pages next to it." })
  pageInfo!: PageInfo;

  @Field(() => Int, {
    description:
      "How many licenses match the filters, on every page together, among the sources that answered (a failing source adds an error and counts none).",
  })
  totalCount!: number;
}
