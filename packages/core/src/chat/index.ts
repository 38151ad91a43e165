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
export {
  LoadUIMessagesInput,
  SaveUIMessagesInput,
  UI_MESSAGE_ID_MAX_LENGTH,
  UI_MESSAGE_MAX_BYTES,
  UI_MESSAGES_SAVE_MAX,
  UIMessageInput,
  type UIMessageLike,
  type UIMessagePartLike,
} from './ui-message-schema.js'
export type { SavedUIMessage, SaveUIMessagesResult } from './ui-messages.js'
