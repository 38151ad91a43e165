'use client'

/**
 * One page over the route handlers: the user's trips on the left; for the open trip, the chat
 * (`useChat`, persisted and reloaded as AI SDK UI messages), its itinerary (live through the
 * SDK's `trip:{id}` Realtime topic), the user's memories and the trip's files. The open trip is in
 * the URL (`?trip=`), so a reload comes back to it and to its latest chat.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { type Attachment, call, type ItineraryItem, type Memory, messageOf, type Trip } from '../components/api'
import { AttachmentsPanel } from '../components/attachments-panel'
import { type ChatMessage, ChatPanel } from '../components/chat-panel'
import { ItineraryPanel } from '../components/itinerary-panel'
import { MemoriesPanel } from '../components/memories-panel'
import { type LiveEvent, useLiveEvents } from '../components/use-live-events'

type User = { id: string; email: string | null }
type OpenTrip = { trip: Trip; sessionId: string; messages: ChatMessage[] }

const tripParam = () => new URLSearchParams(window.location.search).get('trip')

function keepTripInUrl(tripId: string | null) {
  const url = new URL(window.location.href)
  if (tripId) url.searchParams.set('trip', tripId)
  else url.searchParams.delete('trip')
  window.history.replaceState(null, '', url)
}

export default function Home() {
  const [mode, setMode] = useState<string | null>(null)
  const [user, setUser] = useState<User | null>(null)
  const [trips, setTrips] = useState<Trip[]>([])
  const [open, setOpen] = useState<OpenTrip | null>(null)
  const [itinerary, setItinerary] = useState<ItineraryItem[]>([])
  const [attachments, setAttachments] = useState<Attachment[]>([])
  const [memories, setMemories] = useState<Memory[]>([])
  const [memoriesLoaded, setMemoriesLoaded] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)

  const guard = useCallback((work: () => Promise<void>) => {
    setError(null)
    return work().catch((e) => setError(messageOf(e)))
  }, [])

  const loadTrips = useCallback(async () => setTrips((await call<{ items: Trip[] }>('/api/trips')).items), [])
  const loadMemories = useCallback(async () => {
    setMemories((await call<{ items: Memory[] }>('/api/memory')).items)
    setMemoriesLoaded(true)
  }, [])
  const loadItinerary = useCallback(
    async (tripId: string) =>
      setItinerary((await call<{ items: ItineraryItem[] }>(`/api/trips/${tripId}/itinerary`)).items),
    [],
  )
  const loadAttachments = useCallback(
    async (tripId: string) =>
      setAttachments((await call<{ items: Attachment[] }>(`/api/attachments?tripId=${tripId}`)).items),
    [],
  )

  /** Opens a trip and its latest chat (or a new one), and puts the trip in the URL. */
  const openTrip = useCallback(
    async (trip: Trip) => {
      const sessions = await call<{ items: { id: string }[] }>(`/api/chat/sessions?tripId=${trip.id}`)
      const sessionId =
        sessions.items[0]?.id ??
        (
          await call<{ id: string }>('/api/chat/sessions', {
            method: 'POST',
            body: JSON.stringify({ tripId: trip.id, title: `Planning ${trip.name}` }),
          })
        ).id
      const { messages } = await call<{ messages: ChatMessage[] }>(`/api/chat?id=${sessionId}`)
      await Promise.all([loadItinerary(trip.id), loadAttachments(trip.id)])
      setOpen({ trip, sessionId, messages })
      keepTripInUrl(trip.id)
    },
    [loadItinerary, loadAttachments],
  )

  useEffect(() => {
    guard(async () => {
      const session = await call<{ mode: string; user: User | null }>('/api/session')
      setMode(session.mode)
      setUser(session.user)
      if (!session.user) return
      const [page] = await Promise.all([call<{ items: Trip[] }>('/api/trips'), loadMemories()])
      setTrips(page.items)
      const wanted = tripParam()
      const trip = wanted ? page.items.find((t) => t.id === wanted) : undefined
      if (trip) await openTrip(trip)
      else if (wanted) keepTripInUrl(null)
    }).finally(() => setLoading(false))
  }, [guard, loadMemories, openTrip])

  // Live: the user's topic (shared with them) and the open trip's (its items and details).
  const topics = [user ? `user:${user.id}` : '', open ? `trip:${open.trip.id}` : ''].filter(Boolean)
  const live = useLiveEvents(topics, (event: LiveEvent) => {
    if (event.event === 'tripItem.changed' && open && event.payload.tripId === open.trip.id) {
      void guard(() => loadItinerary(open.trip.id))
    }
    if (event.event === 'trip.updated' || event.event === 'trip.deleted' || event.event === 'collaborator.changed') {
      void guard(loadTrips)
    }
  })

  const signIn = () =>
    guard(async () => {
      const { user } = await call<{ user: User }>('/api/session', { method: 'POST' })
      setUser(user)
      await Promise.all([loadTrips(), loadMemories()])
    })

  const createTrip = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const data = Object.fromEntries(new FormData(form))
    void guard(async () => {
      const trip = await call<Trip>('/api/trips', { method: 'POST', body: JSON.stringify(data) })
      await loadTrips()
      await openTrip(trip)
    })
  }

  return (
    <>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ✈
          </span>
          <h1>TripSage</h1>
        </div>
        <p className="status" data-testid="mode">
          {mode ? (
            <>
              <span className="pill">{mode}</span>
              {user ? ` Signed in as ${user.email ?? user.id}` : ' Not signed in'}
              {user && (
                <span className={`live live-${live}`} data-testid="live">
                  {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline'}
                </span>
              )}
            </>
          ) : (
            'Loading…'
          )}
        </p>
      </header>

      <main id="main" className="layout">
        {error && (
          <p className="alert banner" role="alert" data-testid="error">
            {error}
          </p>
        )}

        {!loading && !user && (
          <section className="card welcome">
            <h2>Plan a trip with an assistant that remembers</h2>
            <p>Trips, chat, memories and files — every call runs as you, and the database decides what you can see.</p>
            {mode === 'embedded' ? (
              <button type="button" onClick={signIn}>
                Sign in as a demo user
              </button>
            ) : (
              <p>Sign in with your Supabase Auth flow to continue.</p>
            )}
          </section>
        )}

        {user && (
          <>
            <div className="sidebar">
              <nav className="card" aria-labelledby="trips-heading">
                <h2 id="trips-heading">Your trips</h2>
                <ul className="trips" data-testid="trips">
                  {trips.length === 0 && <li className="muted">No trips yet.</li>}
                  {trips.map((t) => (
                    <li key={t.id}>
                      <button
                        type="button"
                        className="trip"
                        aria-current={open?.trip.id === t.id ? 'page' : undefined}
                        onClick={() => guard(() => openTrip(t))}
                      >
                        <span className="trip-name">{t.name}</span>
                        <span className="trip-meta">
                          {t.destination} · {t.startDate} → {t.endDate}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
                <form className="new-trip" onSubmit={createTrip} aria-labelledby="new-trip-heading">
                  <h3 id="new-trip-heading">New trip</h3>
                  <label>
                    Name
                    <input name="name" placeholder="Trip name" required defaultValue="Lisbon in spring" />
                  </label>
                  <label>
                    Destination
                    <input name="destination" placeholder="Destination" required defaultValue="Lisbon" />
                  </label>
                  <div className="dates">
                    <label>
                      From
                      <input name="startDate" type="date" required defaultValue="2027-04-10" />
                    </label>
                    <label>
                      To
                      <input name="endDate" type="date" required defaultValue="2027-04-17" />
                    </label>
                  </div>
                  <button type="submit">Create trip</button>
                </form>
              </nav>
              <MemoriesPanel memories={memories} loaded={memoriesLoaded} />
            </div>

            {open ? (
              <div className="workspace">
                <h2 className="trip-title">
                  Planning {open.trip.name}
                  <span className="trip-meta">
                    {open.trip.destination} · {open.trip.startDate} → {open.trip.endDate}
                  </span>
                </h2>
                <ChatPanel
                  key={open.sessionId}
                  sessionId={open.sessionId}
                  initialMessages={open.messages}
                  onTurnFinished={() => void guard(loadMemories)}
                />
                <div className="side">
                  <ItineraryPanel tripId={open.trip.id} items={itinerary} />
                  <AttachmentsPanel
                    tripId={open.trip.id}
                    attachments={attachments}
                    onChanged={() => loadAttachments(open.trip.id)}
                  />
                </div>
              </div>
            ) : (
              <section className="card workspace empty-state">
                <h2>Pick a trip</h2>
                <p>Open a trip on the left, or create one, to chat about it.</p>
              </section>
            )}
          </>
        )}
      </main>
    </>
  )
}
