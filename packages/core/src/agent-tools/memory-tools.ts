import { type Tool, tool } from 'ai'
import { z } from 'zod'
import type { MemoryRepository } from '../memory/repository.js'
import { MEMORY_TYPES } from '../memory/schema.js'
import { type AgentToolOptions, runTool } from './run-tool.js'

/** A memory as the model sees it. */
export interface AgentMemory {
  /** The memory id (pass it to `forgetMemory`). */
  readonly id: string
  /** The remembered text. */
  readonly content: string
  /** The kind of long-term memory. */
  readonly type: string | null
}

const SearchMemoriesToolInput = z.object({
  query: z.string().min(1).max(500).describe('What to look for, in plain words'),
  limit: z.number().int().min(1).max(10).optional().describe('How many memories to return (default 5)'),
})
const AddMemoryToolInput = z.object({
  content: z.string().min(1).max(2000).describe('The fact, as one sentence about the user'),
  type: z.enum(MEMORY_TYPES).optional().describe('The kind of memory (default user_preference)'),
  importance: z.number().min(0).max(1).optional().describe('0-1, how much it matters (default 0.5)'),
})
const ForgetMemoryToolInput = z.object({ memoryId: z.string().describe('The id of the memory, from searchMemories') })

/** The tools {@link memoryTools} returns. */
export type MemoryTools = {
  /** Hybrid (full-text + vector) recall of the user's long-term memories. */
  readonly searchMemories: Tool<
    z.infer<typeof SearchMemoriesToolInput>,
    {
      /** The best matches, best first. */
      memories: AgentMemory[]
    }
  >
  /** Stores one long-term memory. */
  readonly addMemory: Tool<
    z.infer<typeof AddMemoryToolInput>,
    {
      /** The stored memory. */
      memory: AgentMemory
    }
  >
  /** Forgets one memory by id. */
  readonly forgetMemory: Tool<
    z.infer<typeof ForgetMemoryToolInput>,
    {
      /** The id of the forgotten memory. */
      forgotten: string
    }
  >
}

/**
 * The memory tools: `searchMemories`, `addMemory` and `forgetMemory`, over the memory repository of
 * one user client (RLS decides what they see and change: only that user's memories).
 *
 * @param memory - `me.memory` of `tripsage.forUser(claims)`
 * @param options - error hook
 */
export function memoryTools(
  memory: Pick<MemoryRepository, 'hybridSearch' | 'add' | 'forget'>,
  options: AgentToolOptions = {},
): MemoryTools {
  return {
    searchMemories: tool({
      description:
        "Search what the user told you before (preferences, past trips, constraints). Use before planning, with the user's words as the query.",
      inputSchema: SearchMemoriesToolInput,
      execute: ({ query, limit }): Promise<{ memories: AgentMemory[] }> =>
        runTool('searchMemories', options, async () => {
          const hits = await memory.hybridSearch({ query, limit: limit ?? 5 })
          return { memories: hits.map(({ id, content, type }) => ({ id, content, type })) }
        }),
    }),

    addMemory: tool({
      description:
        'Remember a lasting fact about the user (a preference, a constraint, a past trip) for future conversations. One fact per call, in one sentence.',
      inputSchema: AddMemoryToolInput,
      execute: (input): Promise<{ memory: AgentMemory }> =>
        runTool('addMemory', options, async () => {
          const { id, content, type } = await memory.add(input)
          return { memory: { id, content, type } }
        }),
    }),

    forgetMemory: tool({
      description:
        'Forget a memory the user asked you to forget, or one that is no longer true. Takes the id from searchMemories.',
      inputSchema: ForgetMemoryToolInput,
      execute: ({ memoryId }): Promise<{ forgotten: string }> =>
        runTool('forgetMemory', options, async () => {
          await memory.forget(memoryId)
          return { forgotten: memoryId }
        }),
    }),
  }
}
