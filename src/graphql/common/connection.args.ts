import { ArgsType, Field, Int } from "type-graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PagingArgs } from "./connection.js";

/** The Relay paging arguments, declared once for every connection field; checked by checkPaging (connection.ts). */
@ArgsType()
export class ConnectionArgs implements PagingArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page forward: at most this many items, from the start or after \`after\`. 0 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given. Not together with \`last\`.`,
  })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A cursor (an edge's `cursor`, or `pageInfo.endCursor`): the page holds only items after it. It stays valid when its item goes away.",
  })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Page backward: at most this many items, up to the end or up to \`before\`. 0 to ${MAX_PAGE_SIZE}. Not together with \`first\`.`,
  })
  last?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A cursor (an edge's `cursor`, or `pageInfo.startCursor`): the page holds only items before it. It stays valid when its item goes away.",
  })
  before?: string | null;
}
