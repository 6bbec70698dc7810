/** Where a command writes: `out` for its result (a key, a table, check lines), `err` for messages to the operator. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Exit codes: 0 done, 1 refused or failed, 2 usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Prints a service's refusal, one line per error (code, field, message); the exit code of a refused command. */
export function refused(errors: ReadonlyArray<{ code: string; message: string; field: string[] | null }>, io: CliOutput): number {
  for (const e of errors) io.err(`license-gateway: ${e.code}${e.field ? ` (${e.field.join(".")})` : ""}: ${e.message}`);
  return EXIT.failed;
}
