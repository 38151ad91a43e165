'use client'

import { type FormEvent, useState } from 'react'
import { call, type Memory, messageOf } from './api'

/**
 * What TripSage remembers: the user's long-term memories (refreshed after every chat turn), and a
 * search over them. "Nothing yet" only when the list is really empty.
 */
export function MemoriesPanel({ memories, loaded }: { memories: Memory[]; loaded: boolean }) {
  const [found, setFound] = useState<Memory[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const q = String(form.get('q') ?? '')
    setError(null)
    if (!q.trim()) {
      setError('Type what to look for.')
      return
    }
    const query = new URLSearchParams({ q, mode: String(form.get('mode')) })
    call<{ items: Memory[] }>(`/api/memory/search?${query}`)
      .then((page) => setFound(page.items))
      .catch((e) => setError(messageOf(e)))
  }

  return (
    <section className="card" aria-labelledby="memories-heading">
      <h3 id="memories-heading">
        Memories <span className="count">{loaded ? memories.length : '…'}</span>
      </h3>
      <ul className="list" data-testid="memories" aria-busy={!loaded}>
        {loaded && memories.length === 0 && (
          <li className="muted">Nothing remembered yet — tell TripSage what you like.</li>
        )}
        {memories.map((m) => (
          <li key={m.id}>
            {m.content} <span className="tag">{m.type ?? 'this chat'}</span>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={search} noValidate>
        <label htmlFor="memory-q" className="visually-hidden">
          Search memories
        </label>
        <input id="memory-q" name="q" placeholder="Search memories" />
        <label htmlFor="memory-mode" className="visually-hidden">
          Search mode
        </label>
        <select id="memory-mode" name="mode" defaultValue="hybrid">
          <option value="hybrid">hybrid</option>
          <option value="semantic">semantic</option>
        </select>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {found && (
        <ul className="list results" data-testid="memory-results" aria-label="Search results">
          {found.length === 0 && <li className="muted">No memories match.</li>}
          {found.map((m) => (
            <li key={m.id}>
              {m.content} <span className="tag">{m.type ?? 'this chat'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
