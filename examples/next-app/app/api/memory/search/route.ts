import type { HybridSearchMemoriesInput, SearchMemoriesInput } from '@tripsage/core'
import { asUser } from '../../../../lib/respond'

/**
 * Recall over the user's own memories: `?q=…&mode=semantic|hybrid&limit=…`. Semantic ranks by
 * cosine similarity; hybrid fuses full-text and vector ranks (RRF). The SDK parses the input.
 */
export function GET(request: Request) {
  return asUser('memory.search', async (me) => {
    const params = new URL(request.url).searchParams
    const query = params.get('q') ?? ''
    const limit = params.has('limit') ? Number(params.get('limit')) : 5
    const items =
      params.get('mode') === 'semantic'
        ? await me.memory.search({ query, limit } satisfies SearchMemoriesInput)
        : await me.memory.hybridSearch({ query, limit } satisfies HybridSearchMemoriesInput)
    return Response.json({ items })
  })
}
