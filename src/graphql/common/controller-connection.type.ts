import { Field, Int, ObjectType } from "type-graphql";
import { Controller } from "../controller/controller.type.js";
import { PageInfo } from "./page-info.type.js";

@ObjectType({ description: "One controller in a page, with its cursor." })
export class ControllerEdge {
  @Field(() => String, { description: "Opaque and stable: the same controller always has the same cursor." })
  cursor!: string;

  @Field(() => Controller, { description: "The controller." })
  node!: Controller;
}

@ObjectType({ description: "Controllers ordered by node id (plain code-unit order), a page at a time (Relay cursor connection)." })
export class ControllerConnection {
  @Field(() => [ControllerEdge], { description: "This page's controllers." })
  edges!: ControllerEdge[];

  @Field(() => PageInfo, { description: "Where this page stands, and the cursors to get the pages next to it." })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: "How many controllers there are, on every page together." })
  totalCount!: number;
}
