import { badInput } from "../errors/gateway-error.js";
import type { LicenseSource } from "../sources/source.js";

/** The configured sources by id, in configuration order with `local` last. */
export class SourceRegistry {
  private readonly byId: Map<string, LicenseSource>;

  constructor(sources: readonly LicenseSource[]) {
    this.byId = new Map(sources.map((s) => [s.id, s]));
  }

  all(): LicenseSource[] {
    return [...this.byId.values()];
  }

  find(id: string): LicenseSource | undefined {
    return this.byId.get(id);
  }

  /** The source named by client input; an unknown id is the client's mistake, reported on `field`. */
  require(id: string, field: string[]): LicenseSource {
    const source = this.byId.get(id);
    // Quoted only when it has a source id's form: anything else is the client's own text, of any length.
    const named = /^[a-z][a-z0-9_-]{0,31}$/.test(id) ? `unknown source "${id}"` : "not a source id";
    if (!source) throw badInput(field, `${named}; known sources: ${[...this.byId.keys()].join(", ")}`);
    return source;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((s) => s.close()));
  }
}
