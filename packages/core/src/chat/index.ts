export type { ChatMessagesRepository } from './messages.js'
export { type ChatRepository, createChatRepository } from './repository.js'
export {
  AppendChatMessagesInput,
  CHAT_APPEND_MAX_MESSAGES,
  CHAT_MESSAGE_MAX_LENGTH,
  ChatHistoryInput,
  ChatId,
  type ChatMessage,
  ChatMessageInput,
  ChatRole,
  type ChatSession,
  type ChatToolCall,
  CompleteToolCallInput,
  CreateChatSessionInput,
  FailToolCallInput,
  ListChatSessionsInput,
  RecordToolCallInput,
  ToolCallStatus,
} from './schema.js'
export type { ChatSessionsRepository } from './sessions.js'
export type { ChatToolCallsRepository } from './tool-calls.js'
