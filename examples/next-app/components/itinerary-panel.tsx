'use client'

import { type FormEvent, useState } from 'react'
import { call, type ItineraryItem, messageOf } from './api'

/** The trip's itinerary; `items` is refetched live when a `tripItem.changed` event arrives. */
export function ItineraryPanel({ tripId, items }: { tripId: string; items: ItineraryItem[] }) {
  const [error, setError] = useState<string | null>(null)

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = event.currentTarget
    const title = String(new FormData(form).get('title') ?? '').trim()
    setError(null)
    if (!title) {
      setError('Give the plan a title.')
      return
    }
    // No local update: the realtime event refreshes the list, here and in every other tab.
    call(`/api/trips/${tripId}/itinerary`, { method: 'POST', body: JSON.stringify({ title }) })
      .then(() => form.reset())
      .catch((e) => setError(messageOf(e)))
  }

  return (
    <section className="card" aria-labelledby="itinerary-heading">
      <h3 id="itinerary-heading">Itinerary</h3>
      <ul className="list" data-testid="itinerary" aria-live="polite">
        {items.length === 0 && <li className="muted">No plans yet.</li>}
        {items.map((item) => (
          <li key={item.id}>
            {item.title}
            {item.day && <span className="tag">{item.day}</span>}
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={add} noValidate>
        <label htmlFor="itinerary-title" className="visually-hidden">
          New plan
        </label>
        <input id="itinerary-title" name="title" placeholder="Add a plan, e.g. Tram 28 at dawn" />
        <button type="submit" className="secondary">
          Add
        </button>
      </form>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
