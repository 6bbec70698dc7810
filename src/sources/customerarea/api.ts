import type { z } from "zod";
import type { UpstreamTelemetry } from "../../observability/upstream-telemetry.js";
import { HttpClient } from "../http.js";
import type { SourceHealth } from "../source.js";
import { parseBody } from "../vendor-body.js";
import { VendorTransport } from "../vendor-transport.js";
import type { CustomerareaSourceConfig } from "./config.js";
import { customerareaError, isValidationAnswer, type Operation } from "./errors.js";

/**
 * docs/vendors/customerarea.md: the two reads are GETs, every write a POST. Only GETs are retried (HttpClient's
 * default).
 */
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
 * The reads may be retried on a transient failure (SourceGuard); the writes are not idempotent and go once. The
 * vendor's validation answer is a 500 (documented): it is the vendor's word about the request, never retried.
 */
export class CustomerareaApi {
  private readonly transport: VendorTransport;
  private readonly http: HttpClient;

  constructor(
    readonly source: string,
    private readonly config: CustomerareaSourceConfig,
    telemetry?: UpstreamTelemetry,
  ) {
    // Redacted from whatever the vendor says, should it echo the request's headers.
    this.transport = new VendorTransport(source, config, () => [config.apiKey], telemetry);
    this.http = this.transport.client(config.url);
  }

  /**
   * One operation; resolves to the envelope's `content`. `subject` names what the call is about in error messages
   * (e.g. "customer 5001"); `params` undefined values are left out, so the vendor applies its defaults.
   */
  call<T>(operation: Operation, subject: string, params: Record<string, unknown>, answer: z.ZodType<{ content: T }>): Promise<T> {
    return this.transport.health.track(async () => {
      const res = await this.http.send({
        method: METHODS[operation],
        path: operation,
        json: params,
        headers: { "x-api-key": this.config.apiKey },
        isDomainAnswer: isValidationAnswer,
      });
      if (res.status < 200 || res.status > 299) {
        throw customerareaError({ client: this.http, operation, subject }, res);
      }
      return parseBody(this.http, res, answer, operation).content;
    });
  }

  health(): SourceHealth {
    return this.transport.health.snapshot();
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
