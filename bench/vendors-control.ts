import type { CallCounts, World } from "./vendors-process.js";

/** The orchestrator's client for the vendors process' control endpoint (see vendors-process.ts). */
export class VendorsControl {
  constructor(private readonly url: string) {}

  world(): Promise<World> {
    return this.send("GET", "/world");
  }

  calls(records = false): Promise<CallCounts> {
    return this.send("GET", records ? "/calls?records=1" : "/calls");
  }

  async reset(): Promise<void> {
    await this.send("POST", "/calls/reset");
  }

  /** `count` fresh Cryptolens keys nobody has claimed. */
  async claimKeys(count: number): Promise<string[]> {
    return (await this.send<{ keys: string[] }>("POST", `/claim-pool?count=${count}`)).keys;
  }

  /** An access token of an Eniris source's simulator, live `ttlS` seconds. */
  async enirisToken(source: string, ttlS: number): Promise<string> {
    return (await this.send<{ token: string }>("POST", `/eniris-token?source=${encodeURIComponent(source)}&ttlS=${ttlS}`)).token;
  }

  private async send<T>(method: string, path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { method });
    const body = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`vendors control ${method} ${path}: ${res.status} ${body.error ?? ""}`);
    return body;
  }
}
