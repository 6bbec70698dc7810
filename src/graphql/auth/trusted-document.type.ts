import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { UserError } from "../common/user-error.type.js";
import { DateTimeScalar } from "../scalars/date-time.js";
import { ApiKey } from "./api-key.type.js";

@ObjectType({ description: "An operation an API key's client published ahead of time (a trusted document). A locked key runs only these." })
export class TrustedDocument {
  @Field(() => ID, {
    description:
      '"sha256:<hex>", the SHA-256 of `body`: send it as `documentId` (or the hex alone as an APQ sha256Hash) instead of the text.',
  })
  id!: string;

  @Field(() => String, { description: "The document's exact text; requests that send it whole are matched by its hash." })
  body!: string;

  @Field(() => String, { description: '"query" or "mutation".' })
  operationType!: string;

  @Field(() => String, { nullable: true, description: "The operation's name; null for an anonymous one." })
  operationName!: string | null;

  @Field(() => DateTimeScalar, {
    description:
      "When it was first published, for any key that holds it now: the same document (the same id) has the same value under every key.",
  })
  createdAt!: Date;
}

@InputType({ description: "One document to publish: its text, and optionally its id as the client's manifest gives it (checked)." })
export class TrustedDocumentInput {
  @Field(() => String, {
    nullable: true,
    description: 'The SHA-256 of `body` (hex, or "sha256:<hex>") as the manifest names it; refused if it is not that hash.',
  })
  id?: string | null;

  @Field(() => String, { description: "One operation (fragments it uses included), exactly as the client sends it." })
  body!: string;
}

@InputType({
  description:
    "Publish documents for an API key; every document is parsed and validated against the schema and the limits first, and one bad document publishes nothing.",
})
export class PublishTrustedDocumentsInput {
  @Field(() => ID, { description: "The key's id (ApiKey.id)." })
  apiKeyId!: string;

  @Field(() => [TrustedDocumentInput], { description: "At most 5,000 documents of at most 100,000 characters each." })
  documents!: TrustedDocumentInput[];

  @Field(() => Boolean, {
    nullable: true,
    description: "True: the key's list becomes exactly these documents (others are removed). Default false: they are added.",
  })
  replace?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Also lock (true) or unlock (false) the key in the same change; omitted, the lock stays as it is.",
  })
  lock?: boolean | null;
}

@InputType({ description: "Lock an API key to its trusted documents, or unlock it." })
export class SetApiKeyLockedInput {
  @Field(() => ID, { description: "The key's id (ApiKey.id)." })
  apiKeyId!: string;

  @Field(() => Boolean, {
    description: "True: the key runs only its trusted documents (anything else is QUERY_NOT_IN_SAFELIST). False: any document.",
  })
  locked!: boolean;
}

@ObjectType({ description: "The result of publishTrustedDocuments: the key as it now stands and what changed, or why not." })
export class PublishTrustedDocumentsPayload {
  @Field(() => ApiKey, { nullable: true, description: "The key after the change; null when `errors` is not empty." })
  apiKey!: unknown;

  @Field(() => Int, { description: "Documents new to the key's list (a document already there is not counted again)." })
  added!: number;

  @Field(() => Int, { description: "Documents taken off the list (with `replace`)." })
  removed!: number;

  @Field(() => [UserError], {
    description:
      'Empty on success; one per refused document field (field ["input", "documents", index, "body" or "id"]). Codes: FORBIDDEN (not an admin), BAD_USER_INPUT, NOT_FOUND (an unknown key).',
  })
  errors!: UserError[];
}
