import type { Scope } from '../db/scope.js'
import { type ChatMessagesRepository, createChatMessagesRepository } from './messages.js'
import { type ChatSessionsRepository, createChatSessionsRepository } from './sessions.js'
import { type ChatToolCallsRepository, createChatToolCallsRepository } from './tool-calls.js'

/** `me.chat`: sessions, their messages and tool calls. */
export interface ChatRepository {
  /** Create, list, rename and end sessions. */
  readonly sessions: ChatSessionsRepository
  /** Append messages and page through history. */
  readonly messages: ChatMessagesRepository
  /** Record tool calls and their outcome. */
  readonly toolCalls: ChatToolCallsRepository
}

/**
 * Builds `me.chat` over a user scope.
 *
 * @param scope - the user scope (or one bound to an open transaction)
 */
export function createChatRepository(scope: Scope): ChatRepository {
  return {
    sessions: createChatSessionsRepository(scope),
    messages: createChatMessagesRepository(scope),
    toolCalls: createChatToolCallsRepository(scope),
  }
}
