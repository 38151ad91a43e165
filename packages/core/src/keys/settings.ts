import { parseInput } from '../validation.js'
import type { KeysPorts } from './ports.js'
import { KeysOptions, type KeysSettings } from './schema.js'

const cache = new WeakMap<object, KeysSettings>()

/**
 * The BYOK settings of a `createTripSage` call, parsed once (a `validation` error names the bad
 * option).
 *
 * @param ports - the options passed to `createTripSage`
 */
export function keySettings(ports: KeysPorts): KeysSettings {
  const cached = cache.get(ports)
  if (cached) return cached
  const settings = parseInput(KeysOptions, ports.keys ?? {}, 'keys options')
  cache.set(ports, settings)
  return settings
}
