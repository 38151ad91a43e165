import { createHash } from 'node:crypto'
import { bundledMigrations, bundledPlatform } from '@tripsage/core'

/** A hash of the platform and migration SQL: a migrated snapshot is valid while it is unchanged. */
export function platformAndMigrationsFingerprint(): string {
  const hash = createHash('sha256')
  for (const file of bundledPlatform()) hash.update(file.name).update('\0').update(file.sql).update('\0')
  for (const m of bundledMigrations()) hash.update(m.version).update(m.name).update('\0').update(m.sql).update('\0')
  return hash.digest('hex').slice(0, 24)
}
