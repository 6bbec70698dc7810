import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger.js";

export interface LogCapture {
  /** The gateway's real logger (redaction, request ids), writing here instead of stdout. */
  logger: Logger;
  /** Every line written so far, as written. */
  text(): string;
  /** Every line, parsed. */
  entries(): Array<Record<string, any>>;
}

export function captureLogs(level = "info"): LogCapture {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split("\n")
          .filter((l) => l !== ""),
      );
      done();
    },
  });
  return {
    logger: createLogger(level, sink),
    text: () => lines.join("\n"),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, any>),
  };
}
