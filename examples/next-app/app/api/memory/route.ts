import { asUser } from '../../../lib/respond'

/** The user's long-term memories, newest first (what the memories panel shows). */
export function GET() {
  return asUser('memory.search', async (me) => Response.json(await me.memory.list({ limit: 20 })), 'memory.list')
}
