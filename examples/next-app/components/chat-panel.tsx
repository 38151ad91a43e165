'use client'

import { useChat } from '@ai-sdk/react'
import { DefaultChatTransport, getToolName, isToolUIPart } from 'ai'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import type { ChatUIMessage } from '../lib/chat-route'
import type { Memory } from './api'

/** The app's message type: AI SDK `UIMessage`s with the TripSage agent tools. */
export type ChatMessage = ChatUIMessage

/** The memories the agent found for the newest answer (its last `searchMemories` call), if any. */
function lastRecalled(messages: readonly ChatMessage[]): Memory[] | null {
  const answer = [...messages].reverse().find((m) => m.role === 'assistant')
  const search = [...(answer?.parts ?? [])]
    .reverse()
    .find((part) => part.type === 'tool-searchMemories' && part.state === 'output-available')
  return search?.type === 'tool-searchMemories' && search.state === 'output-available' ? search.output.memories : null
}

const toolLabels: Record<string, string> = {
  searchMemories: 'Searched your memories',
  addMemory: 'Remembered',
  forgetMemory: 'Forgot a memory',
  listTrips: 'Looked at your trips',
  getTrip: 'Read the trip',
  addItineraryItem: 'Added to the itinerary',
}

/** A tool part in words, with its state: what the agent did on the user's behalf. */
function ToolStep({ part }: { part: Extract<ChatMessage['parts'][number], { toolCallId: string }> }) {
  const name = getToolName(part)
  const label = toolLabels[name] ?? `Used ${name}`
  const state =
    part.state === 'output-available'
      ? 'done'
      : part.state === 'output-error'
        ? 'failed'
        : part.state === 'output-denied'
          ? 'denied'
          : 'working…'
  return (
    <li className={`tool tool-${state === 'working…' ? 'working' : state}`} data-testid="tool-step">
      <span className="tool-name">{label}</span> <span className="tool-state">{state}</span>
      {part.state === 'output-error' && <span className="tool-error"> — {part.errorText}</span>}
    </li>
  )
}

/**
 * The chat of one session: `useChat` against `/api/chat`, starting from the messages the server
 * loaded (`loadUIMessages`), so a reload shows the same conversation — tool steps included.
 */
export function ChatPanel({
  sessionId,
  initialMessages,
  onTurnFinished,
}: {
  sessionId: string
  initialMessages: ChatMessage[]
  onTurnFinished: () => void
}) {
  const [draft, setDraft] = useState('')
  const [hint, setHint] = useState<string | null>(null)
  const log = useRef<HTMLOListElement>(null)
  const { messages, sendMessage, status, error, clearError } = useChat<ChatMessage>({
    id: sessionId,
    messages: initialMessages,
    transport: new DefaultChatTransport({ api: '/api/chat' }),
    onFinish: () => onTurnFinished(),
  })
  const busy = status === 'submitted' || status === 'streaming'

  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: 'nearest' })
  }, [messages])

  const recalled = lastRecalled(messages)

  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    // Whitespace is not a message (the route refuses it too).
    if (!draft.trim()) {
      setHint('Type a message first — spaces alone are not sent.')
      return
    }
    setHint(null)
    clearError()
    void sendMessage({ text: draft.trim() })
    setDraft('')
  }

  return (
    <section className="card chat" aria-labelledby="chat-heading">
      <h3 id="chat-heading">Chat</h3>
      <ol className="messages" data-testid="chat" ref={log} aria-live="polite" aria-busy={busy}>
        {messages.length === 0 && (
          <li className="empty">Ask anything about the trip — preferences you mention are remembered.</li>
        )}
        {messages.map((message) => (
          <li key={message.id} className={`message message-${message.role}`}>
            <span className="role">{message.role === 'user' ? 'You' : 'TripSage'}</span>
            <div className="bubble">
              {message.parts.map((part, index) => {
                const key = `${message.id}-${index}`
                if (part.type === 'text') return <p key={key}>{part.text}</p>
                if (isToolUIPart(part)) {
                  return (
                    <ul key={key} className="tools">
                      <ToolStep part={part} />
                    </ul>
                  )
                }
                return null
              })}
            </div>
          </li>
        ))}
        {status === 'submitted' && (
          <li className="message message-assistant pending">
            <span className="role">TripSage</span>
            <div className="bubble">Thinking…</div>
          </li>
        )}
      </ol>
      {error && (
        <p className="alert" role="alert" data-testid="chat-error">
          {error.message.startsWith('{') ? (JSON.parse(error.message).error?.message ?? error.message) : error.message}
        </p>
      )}
      <form className="composer" onSubmit={send} noValidate>
        <label htmlFor="chat-input" className="visually-hidden">
          Message
        </label>
        <input
          id="chat-input"
          name="content"
          placeholder="Ask about the trip"
          autoComplete="off"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value)
            if (hint) setHint(null)
          }}
          aria-describedby={hint ? 'chat-hint' : undefined}
          aria-invalid={hint ? true : undefined}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send'}
        </button>
      </form>
      {hint && (
        <p id="chat-hint" className="hint" role="status" data-testid="chat-hint">
          {hint}
        </p>
      )}
      <aside className="recalled" aria-label="Recalled for your last message" data-testid="recalled">
        <h4>Recalled for your last message</h4>
        {!recalled ? (
          <p className="muted">
            {messages.some((m) => m.role === 'assistant')
              ? 'The assistant did not search your memories for that message.'
              : 'When the assistant searches your memories, what it found shows here.'}
          </p>
        ) : recalled.length === 0 ? (
          <p className="muted">Nothing relevant remembered for that message.</p>
        ) : (
          <ul>
            {recalled.map((m) => (
              <li key={m.id}>
                {m.content} <span className="tag">{m.type ?? 'this chat'}</span>
              </li>
            ))}
          </ul>
        )}
      </aside>
    </section>
  )
}
