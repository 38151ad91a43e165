'use client'

/**
 * One page over the route handlers: the user's trips, a chat on the selected trip with the
 * memories recalled for each message, a memory search, and the trip's attachments (upload
 * through a signed URL, download through another).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react'

type Trip = { id: string; name: string; destination: string; startDate: string; endDate: string }
type Message = { id: string; role: string; content: string }
type Recalled = { id: string; content: string; type: string | null }
type Attachment = { id: string; originalFilename: string; size: number; uploadStatus: string }

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  })
  const body = res.status === 204 ? null : await res.json()
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`)
  return body as T
}

export default function Home() {
  const [mode, setMode] = useState<string>('…')
  const [user, setUser] = useState<{ id: string; email: string | null } | null>(null)
  const [trips, setTrips] = useState<Trip[]>([])
  const [trip, setTrip] = useState<Trip | null>(null)
  const [sessionId, setSessionId] = useState<string | null>(null)
  const [messages, setMessages] = useState<Message[]>([])
  const [recalled, setRecalled] = useState<Recalled[] | null>(null)
  const [found, setFound] = useState<Recalled[] | null>(null)
  const [attachments, setAttachments] = useState<Attachment[]>([])
  const [error, setError] = useState<string | null>(null)

  const guard = useCallback(
    (work: () => Promise<void>) => () => {
      setError(null)
      work().catch((e: Error) => setError(e.message))
    },
    [],
  )

  const loadTrips = useCallback(async () => {
    const page = await call<{ items: Trip[] }>('/api/trips')
    setTrips(page.items)
  }, [])

  useEffect(() => {
    guard(async () => {
      const session = await call<{ mode: string; user: { id: string; email: string | null } | null }>('/api/session')
      setMode(session.mode)
      setUser(session.user)
      if (session.user) await loadTrips()
    })()
  }, [guard, loadTrips])

  const signIn = guard(async () => {
    const { user } = await call<{ user: { id: string; email: string } }>('/api/session', { method: 'POST' })
    setUser(user)
    await loadTrips()
  })

  const createTrip = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    guard(async () => {
      await call('/api/trips', {
        method: 'POST',
        body: JSON.stringify({
          name: form.get('name'),
          destination: form.get('destination'),
          startDate: form.get('startDate'),
          endDate: form.get('endDate'),
        }),
      })
      await loadTrips()
    })()
  }

  const openTrip = (selected: Trip) =>
    guard(async () => {
      setTrip(selected)
      const session = await call<{ id: string }>('/api/chat/sessions', {
        method: 'POST',
        body: JSON.stringify({ tripId: selected.id, title: `Planning ${selected.name}` }),
      })
      setSessionId(session.id)
      setMessages([])
      setRecalled(null)
      setAttachments((await call<{ items: Attachment[] }>(`/api/attachments?tripId=${selected.id}`)).items)
    })

  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const input = event.currentTarget.elements.namedItem('content') as HTMLInputElement
    const content = input.value
    guard(async () => {
      const sent = await call<{ recalled: Recalled[] }>(`/api/chat/sessions/${sessionId}/messages`, {
        method: 'POST',
        body: JSON.stringify({ content }),
      })
      input.value = ''
      setRecalled(sent.recalled)
      setMessages((await call<{ items: Message[] }>(`/api/chat/sessions/${sessionId}/messages`)).items)
    })()
  }

  const searchMemories = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    guard(async () => {
      const query = new URLSearchParams({ q: String(form.get('q')), mode: String(form.get('mode')) })
      setFound((await call<{ items: Recalled[] }>(`/api/memory/search?${query}`)).items)
    })()
  }

  const upload = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const file = (event.currentTarget.elements.namedItem('file') as HTMLInputElement).files?.[0]
    if (!file || !trip) return
    guard(async () => {
      const { attachment, upload } = await call<{
        attachment: Attachment
        upload: { url: string; headers: Record<string, string> }
      }>('/api/attachments', {
        method: 'POST',
        body: JSON.stringify({
          tripId: trip.id,
          filename: file.name,
          mimeType: file.type || 'application/octet-stream',
          size: file.size,
        }),
      })
      const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file })
      if (!put.ok) throw new Error(`upload failed: HTTP ${put.status}`)
      await call(`/api/attachments/${attachment.id}/complete`, { method: 'POST' })
      setAttachments((await call<{ items: Attachment[] }>(`/api/attachments?tripId=${trip.id}`)).items)
    })()
  }

  const download = (id: string) =>
    guard(async () => {
      const { url } = await call<{ url: string }>(`/api/attachments/${id}/url`)
      window.open(url, '_blank', 'noopener')
    })

  return (
    <main>
      <h1>TripSage</h1>
      <p data-testid="mode">
        Mode: <b>{mode}</b>
        {user ? ` — signed in as ${user.email ?? user.id}` : ''}
      </p>
      {error && (
        <p role="alert" data-testid="error" style={{ color: 'crimson' }}>
          {error}
        </p>
      )}
      {!user && mode === 'embedded' && (
        <button type="button" onClick={signIn}>
          Sign in as a demo user
        </button>
      )}
      {user && (
        <>
          <section>
            <h2>Your trips</h2>
            <ul data-testid="trips">
              {trips.map((t) => (
                <li key={t.id}>
                  <button type="button" onClick={openTrip(t)}>
                    {t.name}
                  </button>{' '}
                  — {t.destination}, {t.startDate} → {t.endDate}
                </li>
              ))}
            </ul>
            <form onSubmit={createTrip} style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
              <input name="name" placeholder="Trip name" required defaultValue="Lisbon in spring" />
              <input name="destination" placeholder="Destination" required defaultValue="Lisbon" />
              <input name="startDate" type="date" required defaultValue="2027-04-10" />
              <input name="endDate" type="date" required defaultValue="2027-04-17" />
              <button type="submit">Create trip</button>
            </form>
          </section>
          {trip && (
            <section>
              <h2>Planning {trip.name}</h2>
              <div data-testid="chat" style={{ border: '1px solid #ccc', padding: 8, minHeight: 60 }}>
                {messages.map((m) => (
                  <p key={m.id}>
                    <b>{m.role}:</b> {m.content}
                  </p>
                ))}
              </div>
              <form onSubmit={send} style={{ display: 'flex', gap: 8, marginTop: 8 }}>
                <input name="content" placeholder="Ask about the trip" required style={{ flex: 1 }} />
                <button type="submit">Send</button>
              </form>
              {recalled && (
                <aside aria-label="Recalled memories" style={{ background: '#f6f6f0', padding: 8, marginTop: 8 }}>
                  <b>Recalled for your last message</b>
                  <ul data-testid="recalled">
                    {recalled.length === 0 && <li>nothing yet</li>}
                    {recalled.map((m) => (
                      <li key={m.id}>
                        {m.content} <small>({m.type ?? 'this chat'})</small>
                      </li>
                    ))}
                  </ul>
                </aside>
              )}
              <h3>Search your memories</h3>
              <form onSubmit={searchMemories} style={{ display: 'flex', gap: 8 }}>
                <input name="q" placeholder="Search memories" required style={{ flex: 1 }} />
                <select name="mode" defaultValue="hybrid" aria-label="Search mode">
                  <option value="hybrid">hybrid</option>
                  <option value="semantic">semantic</option>
                </select>
                <button type="submit">Search</button>
              </form>
              {found && (
                <ul data-testid="memory-results">
                  {found.length === 0 && <li>no memories found</li>}
                  {found.map((m) => (
                    <li key={m.id}>
                      {m.content} <small>({m.type ?? 'this chat'})</small>
                    </li>
                  ))}
                </ul>
              )}
              <h3>Attachments</h3>
              <ul data-testid="attachments">
                {attachments.map((a) => (
                  <li key={a.id}>
                    <button type="button" onClick={download(a.id)}>
                      {a.originalFilename}
                    </button>{' '}
                    ({a.size} bytes, {a.uploadStatus})
                  </li>
                ))}
              </ul>
              <form onSubmit={upload} style={{ display: 'flex', gap: 8 }}>
                <input name="file" type="file" required />
                <button type="submit">Upload</button>
              </form>
            </section>
          )}
        </>
      )}
    </main>
  )
}
