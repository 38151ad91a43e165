import { AgentToolError, toAgentToolFailure } from './tool-errors.js'

/** Options every agent tool factory takes. */
export interface AgentToolOptions {
  /**
   * Called with the original error of a failed tool call before the model gets its safe form:
   * log or trace it here (it may carry internals the model must not see).
   */
  onError?: (error: unknown, toolName: string) => void
}

/** Runs a tool body; a failure becomes an {@link AgentToolError} the model can read. */
export async function runTool<T>(toolName: string, options: AgentToolOptions, body: () => Promise<T>): Promise<T> {
  try {
    return await body()
  } catch (error) {
    options.onError?.(error, toolName)
    throw new AgentToolError(toAgentToolFailure(error))
  }
}
