import type { z } from "zod";
import type { CustomerareaSourceConfig } from "../../config/schema.js";
import { HealthTracker } from "../health.js";
import { HttpClient, parseBody } from "../http.js";
import type { SourceHealth } from "../source.js";
import { customerareaError, type Operation } from "./errors.js";

/** customerarea.md: the two reads are GETs, every write a POST. */
const METHODS: Readonly<Record<Operation, "GET" | "POST">> = {
  licenses: "GET",
  "licenses/available": "GET",
  "licenses/demo": "POST",
  "licenses/bulk": "POST",
  "licenses/renew": "POST",
  "licenses/delete": "POST",
};

/**
 * The Customerarea transport: the `X-API-KEY` header, parameters as a JSON body (on GET too, as the vendor's
 * examples send them), the `{"code":200,"content":...}` envelope, error bodies through `customerareaError`, and
 * health tracked around each whole call (send, status and parsing: a 200 with a body we cannot read is a failure).
 * Nothing is retried: the writes are not idempotent, and a failed read is the caller's to repeat.
 */
export class CustomerareaApi {
  private readonly http: HttpClient;
  private readonly healthTracker = new HealthTracker();

  constructor(
    readonly source: string,
    private readonly config: CustomerareaSourceConfig,
  ) {
    this.http = new HttpClient({
      source,
      baseUrl: config.url,
      timeoutMs: config.timeoutMs,
      connections: config.connections,
      maxResponseBytes: config.maxResponseBytes,
    });
  }

  /**
   * One operation; resolves to the envelope's `content`. `subject` names what the call is about in error messages
   * (e.g. "customer 5001"); `params` undefined values are left out, so the vendor applies its defaults.
   */
  call<T>(operation: Operation, subject: string, params: Record<string, unknown>, answer: z.ZodType<{ content: T }>): Promise<T> {
    return this.healthTracker.track(async () => {
      const res = await this.http.send({ method: METHODS[operation], path: operation, json: params, headers: { "x-api-key": this.config.apiKey } });
      if (res.status < 200 || res.status > 299) {
        throw customerareaError({ source: this.source, operation, subject, apiKey: this.config.apiKey }, res);
      }
      return parseBody(this.source, res.text, answer, operation).content;
    });
  }

  health(): SourceHealth {
    return this.healthTracker.snapshot();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
