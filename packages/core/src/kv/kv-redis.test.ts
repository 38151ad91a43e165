import { startUpstashBridge, type UpstashBridge } from '@tripsage/testing'
import { afterAll, vi } from 'vitest'
import { describeKvContract } from './kv-contract.js'

let bridge: UpstashBridge | undefined
afterAll(() => bridge?.stop())

describeKvContract('Upstash Redis (real redis-server via the REST bridge)', async () => {
  bridge = await startUpstashBridge()
  return {
    backend: { redis: bridge.redis },
    // @upstash/ratelimit reads Date.now(); only Date is faked, so timers and sockets run normally.
    setTime: (epochMs) => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(epochMs)
    },
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }
})
