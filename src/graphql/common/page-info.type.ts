import { Field, ObjectType } from "type-graphql";

/** Shared by every connection; the four fields are the ones the Relay cursor connections specification requires. */
@ObjectType({ description: "Where a page of a connection stands (Relay cursor connections)." })
export class PageInfo {
  @Field(() => Boolean, {
    description:
      "Whether more items follow this page. With `first`: whether more items than the page holds come after `after` (and before `before`). " +
      "With `last`: whether any item is at or after `before` (false without it).",
  })
  hasNextPage!: boolean;

  @Field(() => Boolean, {
    description:
      "Whether more items come before this page. With `last`: whether more items than the page holds come before `before` (and after `after`). " +
      "With `first`: whether any item is at or before `after` (false without it).",
  })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The first edge's cursor; pass it as `before` to get the page before. Null when the page is empty.",
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The last edge's cursor; pass it as `after` to get the next page. Null when the page is empty.",
  })
  endCursor!: string | null;
}
