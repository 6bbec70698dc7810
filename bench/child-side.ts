import { createInterface } from "node:readline";

/**
 * The child's side of the protocol in children.ts: one JSON argument, `{"ready": ...}` on stdout, then
 * one answer line per command line on stdin. When stdin closes (the orchestrator stopped it, or died), the child
 * cleans up and exits.
 */

/** The environment variable that carries the child's JSON argument (argv would show it in `ps`). */
export const CHILD_ARGUMENT = "BENCH_CHILD_ARGUMENT";

export function argument<T>(): T {
  const raw = process.env[CHILD_ARGUMENT];
  if (raw === undefined) throw new Error(`usage: ${CHILD_ARGUMENT}='<json>' node --import tsx ${process.argv[1]}`);
  return JSON.parse(raw) as T;
}

export function announce(ready: unknown): void {
  process.stdout.write(`${JSON.stringify({ ready })}\n`);
}

/**
 * Runs `handle` for each command in order; an error becomes an `{"error"}` answer, not an exit. `Command` is what
 * the orchestrator sends this child, taken on trust: both sides are this folder's code.
 */
export function serveCommands<Command>(handle: (command: Command) => Promise<unknown>, onClose: () => Promise<void>): void {
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      try {
        process.stdout.write(`${JSON.stringify({ ok: (await handle(JSON.parse(line) as Command)) ?? null })}\n`);
      } catch (error) {
        process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) })}\n`);
      }
    });
  });
  lines.once("close", () => {
    void queue.then(onClose).finally(() => process.exit(0));
  });
  process.once("SIGTERM", () => void onClose().finally(() => process.exit(0)));
}

/** Exits with a message when the child cannot start; the orchestrator shows the log. */
export function failStart(error: unknown): never {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
}

/** For a child controlled some other way (HTTP): it still exits when its stdin closes. */
export function exitWhenStdinCloses(onClose: () => Promise<void>): void {
  serveCommands(async (command) => {
    throw new Error(`no commands on stdin here: ${JSON.stringify(command)}`);
  }, onClose);
}
