import { describeKvContract } from './kv-contract.js'
import { memoryKv } from './memory-kv.js'

describeKvContract('memoryKv', async () => {
  let now = Date.now()
  return {
    backend: { kv: memoryKv({ now: () => now }) },
    setTime: (epochMs) => {
      now = epochMs
    },
    elapse: async (ms) => {
      now += ms
    },
  }
})
