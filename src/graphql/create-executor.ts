import { executeOperation, type ExecuteOperation, type ExecutorKind } from "./executor.js";

/**
 * The executor of that kind. graphql-jit is loaded only when asked for: it (with fast-json-stringify and ajv)
 * would otherwise cost every start for an option most never set. Apart from executor.ts, which jit-executor.ts
 * builds on (it falls back to executeOperation), so that neither imports the other.
 */
export async function createExecutor(kind: ExecutorKind = "graphql-js"): Promise<ExecuteOperation> {
  if (kind === "graphql-js") return executeOperation;
  const { jitExecutor } = await import("./jit-executor.js");
  return jitExecutor();
}
