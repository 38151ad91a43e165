import type { UserClient } from '@tripsage/core'

/** A recalled memory as the page shows it. */
export type Recalled = { id: string; content: string; type: string | null }

/** What the user told us before that bears on `text`: hybrid recall (full text + vector), one hit per text. */
export async function recall(me: UserClient, text: string): Promise<Recalled[]> {
  const hits = await me.memory.hybridSearch({ query: text, limit: 5 })
  const seen = new Set<string>()
  return hits
    .filter((hit) => !seen.has(hit.content) && seen.add(hit.content))
    .slice(0, 3)
    .map(({ id, content, type }) => ({ id, content, type }))
}
