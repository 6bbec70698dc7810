import type { DocumentNode } from "graphql";

/**
 * Documents that parsed and passed validation, by their text: a client sends the same few documents again and again,
 * and parsing and validating one costs more than running a small operation. Least recently used out first.
 *
 * Bounded by the text's length as well as by count: a parsed document keeps its tokens (for error locations), about
 * 90 bytes of heap per character of text here (10,000 copies of the bench's 170-character query took 149 MB). At
 * most 1,000 documents and 400,000 characters, so at most about 35 MB, Apollo Server's default budget (30 MiB,
 * which it measured on the document's JSON, a fraction of its heap). Only documents that passed are kept: a refused
 * one is the client's to pay for again.
 */
export class ValidatedDocuments {
  readonly #entries = new Map<string, DocumentNode>();
  #characters = 0;

  constructor(
    private readonly maxEntries = 1_000,
    private readonly maxCharacters = 400_000,
  ) {}

  get(text: string): DocumentNode | undefined {
    const document = this.#entries.get(text);
    if (document !== undefined) {
      // Most recently used last, so the first entry is the one to drop.
      this.#entries.delete(text);
      this.#entries.set(text, document);
    }
    return document;
  }

  set(text: string, document: DocumentNode): void {
    if (text.length > this.maxCharacters || this.#entries.has(text)) return;
    this.#entries.set(text, document);
    this.#characters += text.length;
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries && this.#characters <= this.maxCharacters) break;
      this.#entries.delete(oldest);
      this.#characters -= oldest.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
