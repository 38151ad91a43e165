'use client'

import { useEffect, useRef, useState } from 'react'

/** A broadcast on one of the SDK's Realtime topics, as `/api/realtime` forwards it. */
export type LiveEvent = { topic: string; event: string; payload: Record<string, unknown> }

/** `connecting`, `live`, or `offline` (the browser retries on its own). */
export type LiveStatus = 'connecting' | 'live' | 'offline'

/**
 * Subscribes to the SDK's Realtime topics (`trip:{id}`, `session:{id}`, `user:{id}`) through the
 * app's Server-Sent Events route. Payloads are notifications only; `onEvent` refetches what
 * changed through the SDK. With Supabase this is one `supabase.channel(topic, { config: { private: true } })`
 * per topic instead.
 */
export function useLiveEvents(topics: readonly string[], onEvent: (event: LiveEvent) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting')
  const handler = useRef(onEvent)
  handler.current = onEvent
  const key = topics.join('&')

  useEffect(() => {
    if (!key) return
    setStatus('connecting')
    const query = key
      .split('&')
      .map((topic) => `topic=${encodeURIComponent(topic)}`)
      .join('&')
    const source = new EventSource(`/api/realtime?${query}`)
    source.addEventListener('ready', () => setStatus('live'))
    source.onmessage = (message) => {
      try {
        handler.current(JSON.parse(message.data) as LiveEvent)
      } catch {
        // not one of ours
      }
    }
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting')
    return () => source.close()
  }, [key])

  return status
}
