import { GraphQLError } from "graphql";

/**
 * Open event streams per principal on this replica (config `subscriptions.maxConnectionsPerPrincipal`): each holds a
 * connection, a bus subscription and a buffer, so one client cannot hold them all. Counted per process, like the
 * connections themselves; behind a balancer a principal may hold this many on each replica.
 */
export class ConnectionCap {
  readonly #open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes a place for `principalId`: the function that gives it back, or the refusal when none is left. */
  acquire(principalId: string): (() => void) | GraphQLError {
    const open = this.#open.get(principalId) ?? 0;
    if (open >= this.max) {
      return new GraphQLError(
        `this principal already has ${this.max} license event streams open on this server, the most it may; close one first`,
        { extensions: { code: "SUBSCRIPTION_LIMIT_REACHED", http: { status: 429 } } },
      );
    }
    this.#open.set(principalId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(principalId) ?? 1) - 1;
      if (left === 0) this.#open.delete(principalId);
      else this.#open.set(principalId, left);
    };
  }

  openFor(principalId: string): number {
    return this.#open.get(principalId) ?? 0;
  }
}
