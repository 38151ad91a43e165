import type { Client } from '@upstash/qstash'
import { expectTypeOf, test } from 'vitest'
import type { EmbeddedQueue } from './embedded-queue.js'
import type { JobPublisher } from './enqueue.js'

test('a QStash Client and the embedded queue are both JobPublishers', () => {
  expectTypeOf<Client>().toMatchTypeOf<JobPublisher>()
  expectTypeOf<EmbeddedQueue>().toMatchTypeOf<JobPublisher>()
})
