import type { Access } from "../auth/policy.js";
import { existingKey, infoOf, type ApiKeyInfo } from "../auth/key-admin.js";
import { FieldProblemsError, badInput } from "../errors/gateway-error.js";
import type { AuditedWriter, UserErrorView } from "../federation/mutations/audited.js";
import { checkId } from "../federation/validate.js";
import type { NewTrustedDocument, OperationType, TrustedDocumentRow } from "../store/trusted-documents.js";
import { documentHash, documentIdOf, hashOfDocumentId } from "./document-id.js";

export type DocumentCheckResult = { ok: true; operationType: OperationType; operationName: string | null } | { ok: false; problem: string };

/**
 * Whether a document would run here: what publishing checks, so a partner learns of a bad one then, not at run
 * time. Given to the admin by whoever builds the gateway: the check runs the server's own rules and limits
 * (src/documents/document-check.ts), which sit above this layer.
 */
export type DocumentCheck = (body: string) => DocumentCheckResult;

export interface PublishTrustedDocumentsInput {
  apiKeyId: string;
  documents: ReadonlyArray<{ id?: string | null; body: string }>;
  /** True: the key's list becomes exactly these documents. Default false: they are added to it. */
  replace?: boolean | null;
  /** Locks (true) or unlocks (false) the key in the same change; omitted, the lock stays as it is. */
  lock?: boolean | null;
}
export interface SetApiKeyLockedInput {
  apiKeyId: string;
  locked: boolean;
}

export interface PublishTrustedDocumentsResult {
  apiKey: ApiKeyInfo | null;
  /** Documents new to the key's list. */
  added: number;
  /** Documents taken off it (with `replace`). */
  removed: number;
  errors: UserErrorView[];
}
export interface SetApiKeyLockedResult {
  apiKey: ApiKeyInfo | null;
  errors: UserErrorView[];
}

/** A trusted document as an administrator sees it. */
export interface TrustedDocumentInfo extends Omit<TrustedDocumentRow, "hash"> {
  id: string;
}

/** At most this many documents in one publication (a big front end has a few hundred operations). */
export const MAX_DOCUMENTS = 5_000;
/** The longest document text accepted, in characters; the request limits (tokens, depth, cost) apply as well. */
export const MAX_DOCUMENT_CHARS = 100_000;

/**
 * Publishing an API key's trusted documents and locking the key to them: admins only, audited, all or nothing
 * (one bad document and nothing is published). The CLI publishes through here too, as principal `cli`.
 */
export class TrustedDocumentAdmin {
  constructor(
    private readonly writer: AuditedWriter,
    private readonly access: Pick<Access, "requireAdmin">,
    private readonly check: DocumentCheck,
  ) {}

  async list(apiKeyId: string): Promise<TrustedDocumentInfo[]> {
    this.access.requireAdmin("list trusted documents");
    const rows = await this.writer.store.trustedDocuments.list(apiKeyId);
    return rows.map(({ hash, ...rest }) => ({ id: documentIdOf(hash), ...rest }));
  }

  publish(input: PublishTrustedDocumentsInput): Promise<PublishTrustedDocumentsResult> {
    // The audit keeps the ids, not the texts: a publication can be megabytes, and the ids name the texts exactly.
    const audited = {
      apiKeyId: input.apiKeyId,
      replace: input.replace ?? false,
      lock: input.lock ?? null,
      documentIds: input.documents.map((d) => d.id ?? null),
    };
    const check = () => {
      this.access.requireAdmin("publish trusted documents");
      checkId(input.apiKeyId, ["input", "apiKeyId"], "an API key id");
      return this.checked(input.documents);
    };
    return this.writer.withPayload<PublishTrustedDocumentsResult, NewTrustedDocument[]>(
      "publishTrustedDocuments",
      audited,
      { apiKey: null, added: 0, removed: 0 },
      check,
      (documents) => {
        return this.writer.commit(
          "publishTrustedDocuments",
          { ...audited, documentIds: documents.map((d) => documentIdOf(d.hash)) },
          async (tx) => {
            const key = await existingKey(tx.apiKeys.get(input.apiKeyId), input.apiKeyId, ["input", "apiKeyId"]);
            const { added, removed } = await tx.trustedDocuments.publish(key.id, documents, input.replace ?? false);
            const after =
              typeof input.lock === "boolean" ? await tx.apiKeys.setDocumentsLocked(key.id, input.lock) : await tx.apiKeys.get(key.id);
            return { apiKey: infoOf(after!), added, removed, errors: [] };
          },
        );
      },
    );
  }

  /** Locking a key with no documents is allowed: it then runs nothing, which is what an administrator asked for. */
  setLocked(input: SetApiKeyLockedInput): Promise<SetApiKeyLockedResult> {
    const check = () => {
      this.access.requireAdmin(input.locked ? "lock API keys" : "unlock API keys");
      checkId(input.apiKeyId, ["input", "apiKeyId"], "an API key id");
    };
    return this.writer.withPayload<SetApiKeyLockedResult>("setApiKeyLocked", input, { apiKey: null }, check, () => {
      return this.writer.commit("setApiKeyLocked", input, async (tx) => {
        const key = await existingKey(tx.apiKeys.setDocumentsLocked(input.apiKeyId, input.locked), input.apiKeyId, ["input", "apiKeyId"]);
        return { apiKey: infoOf(key), errors: [] };
      });
    });
  }

  /** Every document checked before anything is written; all problems reported at once, each at its index. */
  private checked(documents: PublishTrustedDocumentsInput["documents"]): NewTrustedDocument[] {
    if (documents.length > MAX_DOCUMENTS)
      throw badInput(["input", "documents"], `at most ${MAX_DOCUMENTS} documents in one publication; this one has ${documents.length}`);
    const problems: { field: string[]; message: string }[] = [];
    const byHash = new Map<string, NewTrustedDocument>();
    documents.forEach((document, i) => {
      const field = ["input", "documents", String(i)];
      if (document.body.length > MAX_DOCUMENT_CHARS) {
        problems.push({
          field: [...field, "body"],
          message: `the document has ${document.body.length} characters; at most ${MAX_DOCUMENT_CHARS} are allowed`,
        });
        return;
      }
      const hash = documentHash(document.body);
      if (document.id !== null && document.id !== undefined) {
        const named = hashOfDocumentId(document.id);
        if (named === null)
          problems.push({ field: [...field, "id"], message: "an id is the document's SHA-256 in hex, optionally prefixed sha256:" });
        else if (named !== hash)
          problems.push({
            field: [...field, "id"],
            message: `the id is not the SHA-256 of this body (that is sha256:${hash}); was the text changed after hashing?`,
          });
      }
      const result = this.check(document.body);
      if (!result.ok) problems.push({ field: [...field, "body"], message: result.problem });
      else byHash.set(hash, { hash, body: document.body, operationType: result.operationType, operationName: result.operationName });
    });
    if (problems.length > 0) throw new FieldProblemsError(problems);
    return [...byHash.values()];
  }
}
