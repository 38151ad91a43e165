import { afterAll, beforeAll } from 'vitest'
import { type FaultProxy, startFaultProxy } from './fault-proxy.test-support.js'
import { type NativeDatabase, startNativeDatabase } from './native.test-support.js'

/** A migrated native server behind a proxy that counts round trips (flights) on the wire. */
export interface RoundTripCounter {
  readonly native: NativeDatabase
  readonly proxy: FaultProxy
  /**
   * Round trips of a call once warm (connection open, statements prepared): `call(i)` runs twice
   * to warm up, then once counted in the proxy.
   */
  roundTrips(call: (i: number) => Promise<unknown>): Promise<number>
}

/** Starts the server and the proxy for the calling test file (beforeAll) and stops them after it. */
export function useRoundTripCounter(): RoundTripCounter {
  let native: NativeDatabase | undefined
  let proxy: FaultProxy | undefined
  beforeAll(async () => {
    native = await startNativeDatabase()
    proxy = await startFaultProxy(native.server.port)
  }, 180_000)
  afterAll(async () => {
    await proxy?.close()
    await native?.stop()
  })
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRoundTripCounter: used outside a test')
    return value
  }
  return {
    get native() {
      return started(native)
    },
    get proxy() {
      return started(proxy)
    },
    async roundTrips(call) {
      await call(0)
      await call(1)
      started(proxy).resetCount()
      await call(2)
      return started(proxy).flights()
    },
  }
}
